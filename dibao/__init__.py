"""dibao front door: the command line and the web interface."""
