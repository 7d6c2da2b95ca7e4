"""The ``licences`` module: Microsoft licence rental from a pool of keys (PRV-01; annex 9).

The "backend" of this module is the pool of licence keys in HostLedger's own database
(:mod:`hostledger.licences`), which staff fill by uploading the keys they bought; the module
calls that app's actions and never writes its tables itself. See README.md beside this file.

- ``create`` allocates a key of the tariff's product (the setting
  ``licences.tariff_products``, else the product named like the tariff) and answers it in
  ``access["licence_key"]``, kept encrypted with the service; ``module_service_id`` is the
  key's public id and ``module_data`` names the product — never the key itself.
- An empty pool is a failure a retry cures (staff see "no free key of product X: upload
  keys" and the retry after the upload succeeds); a product with no pool at all is a
  configuration error no retry cures.
- ``suspend`` and ``resume`` change nothing: the key stays with the service while it is
  suspended, since the client's right to use it follows the service.
- ``terminate`` gives the key back to the pool; ``change_plan`` exchanges it for a key of the
  new tariff's product.
"""

from __future__ import annotations

from hostledger.core.errors import DomainError
from hostledger.licences import actions, selectors
from hostledger.provisioning.modules.interface import ModuleResult, ServiceRequest


class LicencesModule:
    """Hands out licence keys from the pool; declares no controls (nothing runs)."""

    name = "licences"
    label = "Licence keys from the pool (Microsoft licence rental)"

    def _hold_key_of(self, request: ServiceRequest, tariff_code: str) -> ModuleResult:
        try:
            product_code = selectors.product_code_for_tariff(tariff_code)
            key = actions.key_allocate(
                product_code=product_code,
                service_id=request.service_id,
                client_id=request.client_id,
            )
        except DomainError as error:
            return ModuleResult.failed(
                error.message, retry_can_help=error.code == actions.POOL_EMPTY
            )
        return ModuleResult.done(
            f"The service holds licence key {key.public_id} of {key.product.code}.",
            module_service_id=key.public_id,
            module_data={"product": key.product.code},
            access={"licence_key": key.key_text},
        )

    def create(self, request: ServiceRequest) -> ModuleResult:
        return self._hold_key_of(request, request.tariff)

    def suspend(self, request: ServiceRequest) -> ModuleResult:
        return ModuleResult.done(
            "Nothing to do: the licence key stays with the suspended service; the client's "
            "right to use it follows the service."
        )

    def resume(self, request: ServiceRequest) -> ModuleResult:
        return ModuleResult.done(
            "Nothing to do: the licence key stayed with the service while it was suspended."
        )

    def terminate(self, request: ServiceRequest) -> ModuleResult:
        try:
            released = actions.key_release(service_id=request.service_id)
        except DomainError as error:
            return ModuleResult.failed(error.message, retry_can_help=False)
        if released is None:
            return ModuleResult.done(
                "The service holds no licence key; nothing to release.",
                access={"licence_key": ""},
            )
        return ModuleResult.done(
            f"Licence key {released.public_id} of {released.product.code} is back in the pool.",
            access={"licence_key": ""},  # the client no longer holds it
        )

    def change_plan(self, request: ServiceRequest) -> ModuleResult:
        """Exchange the service's key for one of the new tariff's product; a service that
        holds no key yet gets one from its ``create`` call, which reads the new tariff."""
        if selectors.key_held_by(request.service_id) is None:
            return ModuleResult.done(
                "The service holds no licence key yet; its create call allocates one of the "
                "new plan's product."
            )
        return self._hold_key_of(request, str(request.changes.get("tariff") or request.tariff))


licences_module = LicencesModule()
