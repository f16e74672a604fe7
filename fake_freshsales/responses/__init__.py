"""HTTP handlers: parse the request, call the models, render Freshsales' answer."""
