"""The label's clinical rules (BESPONSA US Prescribing Information, 3/2024) as pure, typed Python.

No Django and no web app is imported here: the web layer, the API and the CLI call into this package.
"""
