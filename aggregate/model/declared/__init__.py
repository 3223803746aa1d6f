"""The declarations of the model's constraint families, one module per part of the model
(see :mod:`aggregate.model.registry`, which gathers them in build order)."""
