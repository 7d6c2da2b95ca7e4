"""Knowledge-base articles for tests, written through the knowledge actions."""

from __future__ import annotations

from hostledger.accounts.models import User
from hostledger.knowledge import actions
from hostledger.knowledge.models import Article, Category
from tests.web.conftest import make_staff_user


def knowledge_editor() -> User:
    existing = User.objects.filter(email="kb-editor@staff.example").first()
    return existing or make_staff_user("administrator", email="kb-editor@staff.example")


def help_category(slug: str = "servers", *, names: dict | None = None) -> Category:
    """The category ``slug``, created through the action the first time it is asked for."""
    existing = Category.objects.filter(slug=slug).first()
    if existing is not None and names is None:
        return existing
    return actions.category_save(
        actor=knowledge_editor(),
        slug=slug,
        position=1,
        names=names or {"en": "Servers", "et": "Serverid", "ru": "Серверы"},
    )


def help_article(
    slug: str = "reset-root-password",
    *,
    category: Category | None = None,
    published: bool = True,
    texts: dict | None = None,
) -> Article:
    return actions.article_save(
        actor=knowledge_editor(),
        slug=slug,
        category=category or help_category(),
        published=published,
        texts=texts
        or {
            "en": (
                "Resetting the root password",
                "Open the **rescue console** of the server and run `passwd`.",
            ),
            "et": ("Root-parooli lähtestamine", "Ava serveri päästekonsool ja käivita passwd."),
        },
    )
