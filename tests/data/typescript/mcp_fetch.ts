// ---- fetch
declare const tools: {
  fetch(args: {
    /** URL to fetch @format uri @minLength 1 */
    url: string;
    /** Maximum number of characters to return. @default 5000 @minimum 1 @maximum 999999 */
    max_length?: number;
    /**
     * On return output starting at this character index, useful if a previous fetch was truncated and more context is required.
     * @default 0
     * @minimum 0
     */
    start_index?: number;
    /** Get the actual HTML content of the requested page, without simplification. @default false */
    raw?: boolean;
  }): Promise<unknown>;
};
