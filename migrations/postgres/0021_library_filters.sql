-- The library's filters (who may read a document, its organisation, sector, governorate,
-- language, file type and tags) become lexemes of its tsvector, so that a search filters and
-- counts in the index. Written again from the documents at the next start.
DELETE FROM library_index_version;
