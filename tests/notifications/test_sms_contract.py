"""One contract every SMS backend passes: accepted messages get a provider id, errors say
whether a retry can help (NTF-01, NTF-02). Twilio is mocked with ``responses``."""

from __future__ import annotations

import pytest
import requests
import responses

from hostledger.notifications.sms import console
from hostledger.notifications.sms.console import ConsoleSmsBackend
from hostledger.notifications.sms.interface import SmsError, SmsMessage
from hostledger.notifications.sms.registry import sms_backend
from hostledger.notifications.sms.twilio import TwilioSmsBackend

SID = "AC0123456789abcdef0123456789abcdef"
URL = f"https://api.twilio.com/2010-04-01/Accounts/{SID}/Messages.json"
GOOD = SmsMessage(to="+37255550101", text="Invoice 2027-1 is due.", reference="dlv_1")
BAD_NUMBER = SmsMessage(to="not-a-number", text="Hello", reference="dlv_2")


class ConsoleHarness:
    def backend(self):
        return ConsoleSmsBackend()

    def accept(self):
        pass

    def refuse_number(self):
        pass


class TwilioHarness:
    def __init__(self, mocked):
        self.mocked = mocked

    def backend(self):
        return TwilioSmsBackend(account_sid=SID, auth_token="secret-token", sender="+3725000000")

    def accept(self):
        self.mocked.post(URL, json={"sid": "SM0001", "status": "queued"}, status=201)

    def refuse_number(self):
        self.mocked.post(
            URL, json={"code": 21211, "message": "The 'To' number is not valid."}, status=400
        )


@pytest.fixture(params=["console", "twilio"])
def harness(request):
    if request.param == "console":
        yield ConsoleHarness()
        return
    with responses.RequestsMock() as mocked:
        yield TwilioHarness(mocked)


def test_an_accepted_message_gets_a_provider_id__NTF_01(harness):
    harness.accept()
    receipt = harness.backend().send(GOOD)
    assert receipt.provider_message_id


def test_a_bad_number_is_a_final_error__NTF_02(harness):
    harness.refuse_number()
    with pytest.raises(SmsError) as refused:
        harness.backend().send(BAD_NUMBER)
    assert refused.value.retryable is False


def test_twilio_unreachable_is_worth_a_retry__NTF_02():
    with responses.RequestsMock() as mocked:
        mocked.post(URL, body=requests.ConnectionError("connection reset"))
        with pytest.raises(SmsError) as failed:
            TwilioHarness(mocked).backend().send(GOOD)
    assert failed.value.retryable is True


def test_twilio_posts_the_message_with_basic_auth_and_a_timeout__NTF_01():
    with responses.RequestsMock() as mocked:
        mocked.post(URL, json={"sid": "SM0002", "status": "queued"}, status=201)
        receipt = TwilioHarness(mocked).backend().send(GOOD)
        (call,) = mocked.calls
    assert receipt.provider_message_id == "SM0002"
    assert call.request.headers["Authorization"].startswith("Basic ")
    assert call.request.body == "To=%2B37255550101&From=%2B3725000000&Body=Invoice+2027-1+is+due."


@pytest.mark.parametrize(("status", "retryable"), [(429, True), (503, True), (401, False)])
def test_twilio_says_which_answers_are_worth_a_retry__NTF_02(status, retryable):
    with responses.RequestsMock() as mocked:
        mocked.post(URL, json={"code": 1, "message": "no"}, status=status)
        with pytest.raises(SmsError) as failed:
            TwilioHarness(mocked).backend().send(GOOD)
    assert failed.value.retryable is retryable


def test_the_configured_backend_is_chosen_by_setting__NTF_01(settings):
    settings.SMS_BACKEND = "console"
    assert isinstance(sms_backend(), ConsoleSmsBackend)
    settings.SMS_BACKEND = "twilio"
    assert isinstance(sms_backend(), TwilioSmsBackend)
    assert console.sent_messages == []
