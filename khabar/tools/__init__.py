"""What helps make a site but is not the build: the dev server."""
