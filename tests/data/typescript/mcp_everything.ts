// ---- echo
declare const tools: {
  echo(args: {
    /** Message to echo */
    message: string;
  }): Promise<unknown>;
};
// ---- get-annotated-message
declare const tools: {
  get_annotated_message(args: {
    /** Type of message to demonstrate different annotation patterns */
    messageType: "error" | "success" | "debug";
    /** Whether to include an example image @default false */
    includeImage?: boolean;
  }): Promise<unknown>;
};
// ---- get-env
declare const tools: { get_env(): Promise<unknown>; };
// ---- get-resource-links
declare const tools: {
  get_resource_links(args: {
    /** Number of resource links to return (1-10) @default 3 @minimum 1 @maximum 10 */
    count?: number;
  }): Promise<unknown>;
};
// ---- get-resource-reference
declare const tools: {
  get_resource_reference(args: {
    /** @default "Text" */
    resourceType?: "Text" | "Blob";
    /** ID of the text resource to fetch @default 1 */
    resourceId?: number;
  }): Promise<unknown>;
};
// ---- get-structured-content
declare const tools: {
  get_structured_content(args: {
    /** Choose city */
    location: "New York" | "Chicago" | "Los Angeles";
  }): Promise<{
    /** Temperature in celsius */
    temperature: number;
    /** Weather conditions description */
    conditions: string;
    /** Humidity percentage */
    humidity: number;
  }>;
};
// ---- get-sum
declare const tools: {
  get_sum(args: {
    /** First number */
    a: number;
    /** Second number */
    b: number;
  }): Promise<unknown>;
};
// ---- get-tiny-image
declare const tools: { get_tiny_image(): Promise<unknown>; };
// ---- gzip-file-as-resource
declare const tools: {
  gzip_file_as_resource(args: {
    /** Name of the output file @default "README.md.gz" */
    name?: string;
    /**
     * URL or data URI of the file content to compress
     * @default "https://raw.githubusercontent.com/modelcontextprotocol/servers/refs/heads/main/README.md"
     * @format uri
     */
    data?: string;
    /**
     * How the resulting gzipped file should be returned. 'resourceLink' returns a link to a resource that can be read later, 'resource' returns a full resource object.
     * @default "resourceLink"
     */
    outputType?: "resourceLink" | "resource";
  }): Promise<unknown>;
};
// ---- toggle-simulated-logging
declare const tools: { toggle_simulated_logging(): Promise<unknown>; };
// ---- toggle-subscriber-updates
declare const tools: { toggle_subscriber_updates(): Promise<unknown>; };
// ---- trigger-long-running-operation
declare const tools: {
  trigger_long_running_operation(args: {
    /** Duration of the operation in seconds @default 10 */
    duration?: number;
    /** Number of steps in the operation @default 5 */
    steps?: number;
  }): Promise<unknown>;
};
// ---- simulate-research-query
declare const tools: {
  simulate_research_query(args: {
    /** The research topic to investigate */
    topic: string;
    /**
     * Simulate an ambiguous query that requires clarification (triggers input_required status)
     * @default false
     */
    ambiguous?: boolean;
  }): Promise<unknown>;
};
