"""HL7 FHIR R4 at the clinical companion's edge: laboratory Observations in, a cycle plan out as orders.

Pure Python like `clinical/` (no Django): the API, the CLI and the tests call the same functions. The
resources are parsed and built with the `fhir.resources` R4B models, so everything read is validated
and everything written validates. docs/fhir.md lists the codes, units and mappings.
"""
