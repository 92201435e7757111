"""The web layer: thin routes that parse input, call one service and render a template."""
