"""The schema is defined by area in models/tables/ and imported from models.entities: every
table class there is importable from entities and listed once in ALL_MODELS."""
import importlib
import pkgutil

from models import entities, tables


def test_every_table_is_importable_from_entities_and_in_all_models():
    found = set()
    for info in pkgutil.iter_modules(tables.__path__):
        module = importlib.import_module(f"models.tables.{info.name}")
        for name, obj in vars(module).items():
            if (isinstance(obj, type) and issubclass(obj, entities.BaseModel)
                    and obj.__module__ == module.__name__
                    and obj not in (entities.BaseModel, entities.VersionedModel)):
                assert getattr(entities, name) is obj, name
                found.add(obj)
    assert len(found) > 50
    assert found == set(entities.ALL_MODELS)
    assert len(entities.ALL_MODELS) == len(set(entities.ALL_MODELS))
