"""Moving a provider's data in from another billing system (WHMCS): the map of source keys to
HostLedger objects, the readers of the source databases and the report of what did not map."""
