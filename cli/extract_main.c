/* extract_main.c: wtosearch-extract FORMAT -, the extractor the indexer
 * runs for each PDF, DOCX or HTML file (indexer/extract_child.c). */
#include "wts_indexer.h"

int main(int argc, char **argv) { return wts_extract_main(argc, argv); }
