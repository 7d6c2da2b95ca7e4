"""Cross-app sequences that the web, the API, webhooks, imports and jobs all call."""
