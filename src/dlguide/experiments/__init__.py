"""The measurements behind the site's pages, one module per page, each a few fast functions."""
