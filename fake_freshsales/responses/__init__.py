"""HTTP: routes, the request pipeline and the OpenAPI document, over the models and the harness."""
