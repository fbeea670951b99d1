-- Merged JSON schemas of an endpoint's request bodies and successful response bodies (JSON `{"request": schema,
-- "response": schema}`, either may be absent), replaced by the latest report that carries them.
ALTER TABLE inventory_endpoints ADD COLUMN body_schemas TEXT;
