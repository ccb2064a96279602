// ---- API-get-user
declare const tools: {
  API_get_user(args: {
    /** @format uuid */
    user_id: string;
  }): Promise<unknown>;
};
// ---- API-get-users
declare const tools: {
  API_get_users(args: {
    /**
     * If supplied, this endpoint will return a page of results starting after the cursor provided. If not supplied, this endpoint will return the first page of results.
     */
    start_cursor?: string;
    /** The number of items from the full list desired in the response. Maximum: 100 @default 100 */
    page_size?: number;
  }): Promise<unknown>;
};
// ---- API-get-self
declare const tools: { API_get_self(): Promise<unknown>; };
// ---- API-post-search
declare const tools: {
  API_post_search(args: {
    /** The text that the API compares page and database titles against. */
    query?: string;
    sort?: {
      /** The direction to sort. Possible values include `ascending` and `descending`. */
      direction?: string;
      /** The name of the timestamp to sort against. Possible values include `last_edited_time`. */
      timestamp?: string;
      [key: string]: unknown;
    } | string;
    filter?: {
      /**
       * The value of the property to filter the results by.  Possible values for object type include `page` or `data_source`.  **Limitation**: Currently the only filter allowed is `object` which will filter by type of object (either `page` or `data_source`)
       */
      value?: "page" | "data_source";
      /**
       * The name of the property to filter by. Currently the only property you can filter by is the object type.  Possible values include `object`.   Limitation: Currently the only filter allowed is `object` which will filter by type of object (either `page` or `data_source`)
       */
      property?: string;
      [key: string]: unknown;
    } | string;
    /**
     * A `cursor` value returned in a previous response that If supplied, limits the response to results starting after the `cursor`. If not supplied, then the first page of results is returned. Refer to [pagination](https://developers.notion.com/reference/intro#pagination) for more details.
     */
    start_cursor?: string;
    /**
     * The number of items from the full list to include in the response. Maximum: `100`.
     * @default 100
     * @format int32
     */
    page_size?: number;
  }): Promise<unknown>;
};
// ---- API-get-block-children
declare const tools: {
  API_get_block_children(args: {
    /** Identifier for a [block](ref:block) */
    block_id: string;
    /**
     * If supplied, this endpoint will return a page of results starting after the cursor provided. If not supplied, this endpoint will return the first page of results.
     */
    start_cursor?: string;
    /**
     * The number of items from the full list desired in the response. Maximum: 100
     * @default 100
     * @format int32
     */
    page_size?: number;
  }): Promise<unknown>;
};
// ---- API-patch-block-children
declare const tools: {
  API_patch_block_children(args: {
    /** Identifier for a [block](ref:block). Also accepts a [page](ref:page) ID. */
    block_id: string;
    /** Child content to append to a container block as an array of [block objects](ref:block) */
    children: (blockObjectRequest | string | { [key: string]: unknown })[];
    /** The ID of the existing block that the new block should be appended after. */
    after?: string;
  }): Promise<unknown>;
};
type blockObjectRequest = paragraphBlockRequest | bulletedListItemBlockRequest;
type paragraphBlockRequest = { paragraph?: { rich_text: richTextRequest[] }; type?: "paragraph" };
type richTextRequest = { text: { content: string; link?: { [key: string]: unknown } | null }; type?: "text" };
type bulletedListItemBlockRequest = { bulleted_list_item?: { rich_text: richTextRequest[] }; type?: "bulleted_list_item" };
// ---- API-retrieve-a-block
declare const tools: {
  API_retrieve_a_block(args: {
    /** Identifier for a Notion block */
    block_id: string;
  }): Promise<unknown>;
};
// ---- API-update-a-block
declare const tools: {
  API_update_a_block(args: {
    /** Identifier for a Notion block */
    block_id: string;
    type?: { [key: string]: unknown } | string;
    /**
     * Set to true to archive (delete) a block. Set to false to un-archive (restore) a block.
     * @default true
     */
    archived?: boolean;
  }): Promise<unknown>;
};
// ---- API-delete-a-block
declare const tools: {
  API_delete_a_block(args: {
    /** Identifier for a Notion block */
    block_id: string;
  }): Promise<unknown>;
};
// ---- API-retrieve-a-page
declare const tools: {
  API_retrieve_a_page(args: {
    /** Identifier for a Notion page */
    page_id: string;
    /**
     * A list of page property value IDs associated with the page. Use this param to limit the response to a specific page property value or values. To retrieve multiple properties, specify each page property ID. For example: `?filter_properties=iAk8&filter_properties=b7dh`.
     */
    filter_properties?: string;
  }): Promise<unknown>;
};
// ---- API-patch-page
declare const tools: {
  API_patch_page(args: {
    /** The identifier for the Notion page to be updated. */
    page_id: string;
    properties?: { [key: string]: unknown } | string;
    /** Set to true to delete a block. Set to false to restore a block. @default false */
    in_trash?: boolean;
    archived?: boolean;
    icon?: { emoji: string } | string;
    cover?: { external: { url: string }; type?: "external" } | string;
  }): Promise<unknown>;
};
// ---- API-post-page
declare const tools: {
  API_post_page(args: {
    parent: parentRequest | string;
    properties: { [key: string]: unknown } | string;
    /**
     * The content to be rendered on the new page, represented as an array of [block objects](https://developers.notion.com/reference/block).
     */
    children?: (string | { [key: string]: unknown })[];
    /**
     * The icon of the new page. Either an [emoji object](https://developers.notion.com/reference/emoji-object) or an [external file object](https://developers.notion.com/reference/file-object)..
     * @format json
     */
    icon?: string;
    /**
     * The cover image of the new page, represented as a [file object](https://developers.notion.com/reference/file-object).
     * @format json
     */
    cover?: string;
  }): Promise<unknown>;
};
type parentRequest = pageIdParentRequest | dataSourceIdParentRequest | { type: "workspace"; [key: string]: unknown };
type pageIdParentRequest = {
  /** @format uuid */
  page_id: string;
  [key: string]: unknown;
};
type dataSourceIdParentRequest = {
  type?: "database_id";
  /** @format uuid */
  database_id: string;
  [key: string]: unknown;
};
// ---- API-retrieve-a-page-property
declare const tools: {
  API_retrieve_a_page_property(args: {
    /** Identifier for a Notion page */
    page_id: string;
    /**
     * Identifier for a page [property](https://developers.notion.com/reference/page#all-property-values)
     */
    property_id: string;
    /**
     * For paginated properties. The max number of property item objects on a page. The default size is 100
     * @format int32
     */
    page_size?: number;
    /** For paginated properties. */
    start_cursor?: string;
  }): Promise<unknown>;
};
// ---- API-retrieve-a-comment
declare const tools: {
  API_retrieve_a_comment(args: {
    /** Identifier for a Notion block or page */
    block_id: string;
    /**
     * If supplied, this endpoint will return a page of results starting after the cursor provided. If not supplied, this endpoint will return the first page of results.
     */
    start_cursor?: string;
    /** The number of items from the full list desired in the response. Maximum: 100 @format int32 */
    page_size?: number;
  }): Promise<unknown>;
};
// ---- API-create-a-comment
declare const tools: {
  API_create_a_comment(args: {
    parent: {
      /** the page ID */
      page_id: string;
      [key: string]: unknown;
    } | string;
    rich_text: ({
      text: {
        /** The content of the comment */
        content: string;
        [key: string]: unknown;
      };
      [key: string]: unknown;
    } | string | { [key: string]: unknown })[];
  }): Promise<unknown>;
};
// ---- API-query-data-source
declare const tools: {
  API_query_data_source(args: {
    /** Identifier for a Notion data source (database) */
    data_source_id: string;
    /** A list of page property value IDs to limit the response */
    filter_properties?: (string | { [key: string]: unknown })[];
    filter?: { [key: string]: unknown } | string;
    sorts?: (sortObject | string | { [key: string]: unknown })[];
    start_cursor?: string;
    /** @default 100 */
    page_size?: number;
    archived?: boolean;
    in_trash?: boolean;
  }): Promise<unknown>;
};
type sortObject = { property: string; direction: "ascending" | "descending"; [key: string]: unknown };
// ---- API-retrieve-a-data-source
declare const tools: {
  API_retrieve_a_data_source(args: {
    /** Identifier for a Notion data source */
    data_source_id: string;
  }): Promise<unknown>;
};
// ---- API-update-a-data-source
declare const tools: {
  API_update_a_data_source(args: {
    /** Identifier for a Notion data source */
    data_source_id: string;
    title?: (richTextRequest | string | { [key: string]: unknown })[];
    description?: (richTextRequest | string | { [key: string]: unknown })[];
    properties?: { [key: string]: unknown } | string;
  }): Promise<unknown>;
};
type richTextRequest = { text: { content: string; link?: { [key: string]: unknown } | null }; type?: "text" };
// ---- API-create-a-data-source
declare const tools: { API_create_a_data_source(args: { parent: pageIdParentRequest | string; properties: { [key: string]: unknown } | string; title?: (richTextRequest | string | { [key: string]: unknown })[] }): Promise<unknown>; };
type pageIdParentRequest = {
  /** @format uuid */
  page_id: string;
  [key: string]: unknown;
};
type richTextRequest = { text: { content: string; link?: { [key: string]: unknown } | null }; type?: "text" };
// ---- API-list-data-source-templates
declare const tools: {
  API_list_data_source_templates(args: {
    /** Identifier for a Notion data source */
    data_source_id: string;
    start_cursor?: string;
    /** @default 100 */
    page_size?: number;
  }): Promise<unknown>;
};
// ---- API-retrieve-a-database
declare const tools: {
  API_retrieve_a_database(args: {
    /** Identifier for a Notion database */
    database_id: string;
  }): Promise<unknown>;
};
// ---- API-move-page
declare const tools: {
  API_move_page(args: {
    /** Identifier for a Notion page @format uuid */
    page_id: string;
    parent: movePageParentRequest | string;
  }): Promise<unknown>;
};
type movePageParentRequest = {
  type: "page_id";
  /** @format uuid */
  page_id: string;
  [key: string]: unknown;
} | {
  type: "database_id";
  /** @format uuid */
  database_id: string;
  [key: string]: unknown;
} | { type: "workspace"; [key: string]: unknown };
// ---- API-retrieve-page-markdown
declare const tools: {
  API_retrieve_page_markdown(args: {
    /** Identifier for a Notion page (or block) to read or update as markdown. @format uuid */
    page_id: string;
    /**
     * Whether to include meeting note transcripts. When false (default), a placeholder with the meeting note URL is shown instead of the full transcript.
     * @default false
     */
    include_transcript?: boolean;
  }): Promise<unknown>;
};
// ---- API-update-page-markdown
declare const tools: {
  API_update_page_markdown(args: {
    /** Identifier for a Notion page (or block) to read or update as markdown. @format uuid */
    page_id: string;
    /**
     * The kind of edit to apply. Prefer `replace_content` (overwrite the whole page) or `update_content` (targeted find-and-replace). `insert_content` and `replace_content_range` are deprecated.
     */
    type: "replace_content" | "update_content" | "insert_content" | "replace_content_range";
    replace_content?: {
      /** The complete new page content as enhanced Markdown. */
      new_str: string;
      /** Permit deletion of existing child pages/databases that are no longer present in the new content. */
      allow_deleting_content?: boolean;
      [key: string]: unknown;
    } | string;
    update_content?: {
      /** Up to 100 find-and-replace edits applied in order. */
      content_updates: {
        /** Exact existing Markdown text to find. */
        old_str: string;
        /** Replacement Markdown text. */
        new_str: string;
        /** Replace every occurrence of old_str instead of just the first (default false). */
        replace_all_matches?: boolean;
        [key: string]: unknown;
      }[];
      /** Permit deletion of existing child pages/databases removed by the edits. */
      allow_deleting_content?: boolean;
      [key: string]: unknown;
    } | string;
    insert_content?: {
      /** Enhanced Markdown to insert. */
      content: string;
      /**
       * Ellipsis-format selection ("start text...end text") to insert after. Cannot be combined with position.
       */
      after?: string;
      /** Insert at the start or end of the page. Cannot be combined with after. */
      position?: { type?: "start" | "end"; [key: string]: unknown };
      [key: string]: unknown;
    } | string;
    replace_content_range?: {
      /** New Markdown content for the range. */
      content: string;
      /** Ellipsis-format selection ("start text...end text") identifying the range to replace. */
      content_range: string;
      /** Permit deletion of child pages/databases within the replaced range. */
      allow_deleting_content?: boolean;
      [key: string]: unknown;
    } | string;
  }): Promise<unknown>;
};
