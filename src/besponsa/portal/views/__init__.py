"""Views of the site shell; content pages are served by Wagtail."""
