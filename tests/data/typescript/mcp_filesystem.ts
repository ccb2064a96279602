// ---- read_file
declare const tools: {
  read_file(args: {
    path: string;
    /** If provided, returns only the last N lines of the file */
    tail?: number;
    /** If provided, returns only the first N lines of the file */
    head?: number;
  }): Promise<{ content: string }>;
};
// ---- read_text_file
declare const tools: {
  read_text_file(args: {
    path: string;
    /** If provided, returns only the last N lines of the file */
    tail?: number;
    /** If provided, returns only the first N lines of the file */
    head?: number;
  }): Promise<{ content: string }>;
};
// ---- read_media_file
declare const tools: { read_media_file(args: { path: string }): Promise<{ content: ({ type: "image" | "audio"; data: string; mimeType: string } | { type: "resource"; resource: { uri: string; mimeType?: string; blob: string } })[] }>; };
// ---- read_multiple_files
declare const tools: {
  read_multiple_files(args: {
    /**
     * Array of file paths to read. Each path must be a string pointing to a valid file within allowed directories.
     * @minItems 1
     */
    paths: string[];
  }): Promise<{ content: string }>;
};
// ---- write_file
declare const tools: { write_file(args: { path: string; content: string }): Promise<{ content: string }>; };
// ---- edit_file
declare const tools: {
  edit_file(args: {
    path: string;
    edits: {
      /** Text to search for - must match exactly */
      oldText: string;
      /** Text to replace with */
      newText: string;
    }[];
    /** Preview changes using git-style diff format @default false */
    dryRun?: boolean;
  }): Promise<{ content: string }>;
};
// ---- create_directory
declare const tools: { create_directory(args: { path: string }): Promise<{ content: string }>; };
// ---- list_directory
declare const tools: { list_directory(args: { path: string }): Promise<{ content: string }>; };
// ---- list_directory_with_sizes
declare const tools: {
  list_directory_with_sizes(args: {
    path: string;
    /** Sort entries by name or size @default "name" */
    sortBy?: "name" | "size";
  }): Promise<{ content: string }>;
};
// ---- directory_tree
declare const tools: {
  directory_tree(args: {
    path: string;
    /** @default [] */
    excludePatterns?: string[];
  }): Promise<{ content: string }>;
};
// ---- move_file
declare const tools: { move_file(args: { source: string; destination: string }): Promise<{ content: string }>; };
// ---- search_files
declare const tools: {
  search_files(args: {
    path: string;
    pattern: string;
    /** @default [] */
    excludePatterns?: string[];
  }): Promise<{ content: string }>;
};
// ---- get_file_info
declare const tools: { get_file_info(args: { path: string }): Promise<{ content: string }>; };
// ---- list_allowed_directories
declare const tools: { list_allowed_directories(): Promise<{ content: string }>; };
