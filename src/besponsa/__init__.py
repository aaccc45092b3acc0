"""BESPONSA HCP: the brand's HCP site, the clinical companion and the trial evidence."""
