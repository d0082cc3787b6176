-- Issue 18 (document page): a document's citations are listed in the order they were made. With
-- (document_id) alone the planner may walk the whole primary key for that order and filter by
-- document (PageQueryPlansTest reported it): this index finds and orders them at once.
CREATE INDEX document_citations_doc_order_idx ON document_citations (document_id, id);
