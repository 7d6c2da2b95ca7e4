"""Cross-app sequences that web, API, imports, commands and jobs all call.

A flow runs the actions of several apps in one transaction, in a fixed order, so that no
entry point repeats the sequence or forgets a step. Layers: web / api / jobs / commands →
flows → actions / selectors → models → core; nothing below a flow imports one.
"""
