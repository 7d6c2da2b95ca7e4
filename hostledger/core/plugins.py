"""Plug-in registries: modules that register themselves by name when their package is imported.

Provisioning modules, registrars and payment gateways are each found by name in a registry of
their own (habit 4). The rules are the same for all three and live here: a name is short and
lower-case, a plug-in provides its interface, a name is taken once, and the packages shipped
with HostLedger are imported on first use; a package whose Python or system library is missing
on this machine is recorded with the reason instead of breaking the import of the rest.
"""

from __future__ import annotations

import importlib
import logging
import re
from collections.abc import Iterable, MutableMapping

NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def plugin_register(
    registered: MutableMapping[str, object],
    plugin,
    *,
    interface: type,
    kind: str,
    reserved: Iterable[str] = (),
):
    """Add ``plugin`` to ``registered`` under its ``name``. A name that is not a short
    lower-case word or is ``reserved``, a plug-in without the ``interface``, and another
    plug-in under a taken name are programming errors."""
    name = getattr(plugin, "name", "")
    if not isinstance(name, str) or not NAME.match(name) or name in set(reserved):
        raise ValueError(f"{name!r} cannot name a {kind}.")
    if not isinstance(plugin, interface):
        raise TypeError(f"{plugin!r} does not provide the {kind} interface.")
    existing = registered.get(name)
    if existing is not None and existing is not plugin:
        raise RuntimeError(f"The {kind} {name!r} is registered twice.")
    registered[name] = plugin
    return plugin


def plugin_packages_load(
    packages: Iterable[str],
    unavailable: MutableMapping[str, str],
    *,
    kind: str,
    logger: logging.Logger,
) -> None:
    """Import each of ``packages`` (each registers its plug-ins when imported). A package
    that is not part of this installation is skipped; one whose library is missing is recorded
    in ``unavailable`` under its last name part, with the reason, for the staff area."""
    for package in packages:
        short_name = package.rsplit(".", 1)[-1]
        try:
            importlib.import_module(package)
        except ModuleNotFoundError as missing:
            if missing.name == package:
                continue  # not part of this installation
            unavailable[short_name] = (
                f"needs the Python package {missing.name!r}, which is not installed"
            )
            logger.info("The %s %s is unavailable: %s", kind, package, missing)
        except ImportError as missing:  # a system library the binding needs
            unavailable[short_name] = f"cannot load: {missing}"
            logger.info("The %s %s is unavailable: %s", kind, package, missing)
