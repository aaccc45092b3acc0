"""The HCP site: page models, the site shell (gate, ISI, footer, leaving notice), security headers."""
