"""Trial evidence for BESPONSA (INO-VATE ALL, study WI203581): versioned data, recomputed statistics, figures.

Pure Python with numpy/scipy/matplotlib; no Django and no web app is imported here.
"""
