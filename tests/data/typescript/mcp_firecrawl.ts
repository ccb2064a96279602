// ---- firecrawl_scrape
declare const tools: {
  firecrawl_scrape(args: {
    /** @format uri */
    url: string;
    formats?: ("markdown" | "html" | "rawHtml" | "screenshot" | "links" | "summary" | "changeTracking" | "branding" | "json" | "query" | "audio")[];
    jsonOptions?: { prompt?: string; schema?: { [key: string]: unknown } };
    queryOptions?: {
      /** @maxLength 10000 */
      prompt: string;
      /** @default "freeform" */
      mode: "directQuote" | "freeform";
    };
    screenshotOptions?: { fullPage?: boolean; quality?: number; viewport?: { width: number; height: number } };
    parsers?: "pdf"[];
    pdfOptions?: {
      /** @minimum 1 @maximum 10000 */
      maxPages?: number;
    };
    onlyMainContent?: boolean;
    redactPII?: boolean;
    includeTags?: string[];
    excludeTags?: string[];
    waitFor?: number;
    actions?: { type: "wait" | "screenshot" | "scroll" | "scrape" | "click" | "write" | "press" | "executeJavascript" | "generatePDF"; selector?: string; milliseconds?: number; text?: string; key?: string; direction?: "up" | "down"; script?: string; fullPage?: boolean }[];
    mobile?: boolean;
    skipTlsVerification?: boolean;
    removeBase64Images?: boolean;
    location?: { country?: string; languages?: string[] };
    storeInCache?: boolean;
    zeroDataRetention?: boolean;
    maxAge?: number;
    lockdown?: boolean;
    proxy?: "basic" | "stealth" | "enhanced" | "auto";
    profile?: { name: string; saveChanges?: boolean };
  }): Promise<unknown>;
};
// ---- firecrawl_map
declare const tools: {
  firecrawl_map(args: {
    /** @format uri */
    url: string;
    search?: string;
    sitemap?: "include" | "skip" | "only";
    includeSubdomains?: boolean;
    limit?: number;
    ignoreQueryParameters?: boolean;
  }): Promise<unknown>;
};
// ---- firecrawl_search
declare const tools: {
  firecrawl_search(args: {
    /** @minLength 1 */
    query: string;
    limit?: number;
    tbs?: string;
    filter?: string;
    location?: string;
    includeDomains?: string[];
    excludeDomains?: string[];
    sources?: { type: "web" | "images" | "news" }[];
    scrapeOptions?: {
      formats?: ("markdown" | "html" | "rawHtml" | "screenshot" | "links" | "summary" | "changeTracking" | "branding" | "json" | "query" | "audio")[];
      jsonOptions?: { prompt?: string; schema?: { [key: string]: unknown } };
      queryOptions?: {
        /** @maxLength 10000 */
        prompt: string;
        /** @default "freeform" */
        mode: "directQuote" | "freeform";
      };
      screenshotOptions?: { fullPage?: boolean; quality?: number; viewport?: { width: number; height: number } };
      parsers?: "pdf"[];
      pdfOptions?: {
        /** @minimum 1 @maximum 10000 */
        maxPages?: number;
      };
      onlyMainContent?: boolean;
      redactPII?: boolean;
      includeTags?: string[];
      excludeTags?: string[];
      waitFor?: number;
      actions?: { type: "wait" | "screenshot" | "scroll" | "scrape" | "click" | "write" | "press" | "executeJavascript" | "generatePDF"; selector?: string; milliseconds?: number; text?: string; key?: string; direction?: "up" | "down"; script?: string; fullPage?: boolean }[];
      mobile?: boolean;
      skipTlsVerification?: boolean;
      removeBase64Images?: boolean;
      location?: { country?: string; languages?: string[] };
      storeInCache?: boolean;
      zeroDataRetention?: boolean;
      maxAge?: number;
      lockdown?: boolean;
      proxy?: "basic" | "stealth" | "enhanced" | "auto";
      profile?: { name: string; saveChanges?: boolean };
    };
    enterprise?: ("default" | "anon" | "zdr")[];
  }): Promise<unknown>;
};
// ---- firecrawl_search_feedback
declare const tools: {
  firecrawl_search_feedback(args: {
    /**
     * @format uuid
     * @pattern ^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$
     */
    searchId: string;
    rating: "good" | "bad" | "partial";
    /** @maxItems 50 */
    valuableSources?: {
      /** @format uri */
      url: string;
      /** @maxLength 1000 */
      reason?: string;
    }[];
    /**
     * Array of specific pieces of content the agent expected to find but did not. One entry per distinct topic. Each entry has a short `topic` and optional longer `description`.
     * @maxItems 20
     */
    missingContent?: {
      /** @minLength 1 @maxLength 200 */
      topic: string;
      /** @maxLength 2000 */
      description?: string;
    }[];
    /** @maxLength 2000 */
    querySuggestions?: string;
  }): Promise<unknown>;
};
// ---- firecrawl_feedback
declare const tools: {
  firecrawl_feedback(args: {
    endpoint: "search" | "scrape" | "parse" | "map";
    /**
     * @format uuid
     * @pattern ^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[1-8][0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}|00000000-0000-0000-0000-000000000000|ffffffff-ffff-ffff-ffff-ffffffffffff)$
     */
    jobId: string;
    rating: "good" | "bad" | "partial";
    /** @maxItems 20 */
    issues?: string[];
    /** @maxItems 20 */
    tags?: string[];
    /** @maxLength 4000 */
    note?: string;
    /** @maxItems 50 */
    valuableSources?: {
      /** @format uri */
      url: string;
      /** @maxLength 1000 */
      reason?: string;
    }[];
    /** @maxItems 50 */
    missingContent?: {
      /** @minLength 1 @maxLength 200 */
      topic: string;
      /** @maxLength 2000 */
      description?: string;
    }[];
    /** @maxLength 2000 */
    querySuggestions?: string;
    /** @format uri */
    url?: string;
    /** @maxItems 100 */
    pageNumbers?: number[];
    metadata?: { [key: string]: unknown };
  }): Promise<unknown>;
};
// ---- firecrawl_crawl
declare const tools: {
  firecrawl_crawl(args: {
    url: string;
    prompt?: string;
    excludePaths?: string[];
    includePaths?: string[];
    maxDiscoveryDepth?: number;
    sitemap?: "skip" | "include" | "only";
    limit?: number;
    allowExternalLinks?: boolean;
    allowSubdomains?: boolean;
    crawlEntireDomain?: boolean;
    delay?: number;
    maxConcurrency?: number;
    webhook?: string;
    webhookHeaders?: { [key: string]: string };
    deduplicateSimilarURLs?: boolean;
    ignoreQueryParameters?: boolean;
    scrapeOptions?: {
      formats?: ("markdown" | "html" | "rawHtml" | "screenshot" | "links" | "summary" | "changeTracking" | "branding" | "json" | "query" | "audio")[];
      jsonOptions?: { prompt?: string; schema?: { [key: string]: unknown } };
      queryOptions?: {
        /** @maxLength 10000 */
        prompt: string;
        /** @default "freeform" */
        mode: "directQuote" | "freeform";
      };
      screenshotOptions?: { fullPage?: boolean; quality?: number; viewport?: { width: number; height: number } };
      parsers?: "pdf"[];
      pdfOptions?: {
        /** @minimum 1 @maximum 10000 */
        maxPages?: number;
      };
      onlyMainContent?: boolean;
      redactPII?: boolean;
      includeTags?: string[];
      excludeTags?: string[];
      waitFor?: number;
      actions?: { type: "wait" | "screenshot" | "scroll" | "scrape" | "click" | "write" | "press" | "executeJavascript" | "generatePDF"; selector?: string; milliseconds?: number; text?: string; key?: string; direction?: "up" | "down"; script?: string; fullPage?: boolean }[];
      mobile?: boolean;
      skipTlsVerification?: boolean;
      removeBase64Images?: boolean;
      location?: { country?: string; languages?: string[] };
      storeInCache?: boolean;
      zeroDataRetention?: boolean;
      maxAge?: number;
      lockdown?: boolean;
      proxy?: "basic" | "stealth" | "enhanced" | "auto";
      profile?: { name: string; saveChanges?: boolean };
    };
  }): Promise<unknown>;
};
// ---- firecrawl_check_crawl_status
declare const tools: { firecrawl_check_crawl_status(args: { id: string }): Promise<unknown>; };
// ---- firecrawl_extract
declare const tools: { firecrawl_extract(args: { urls: string[]; prompt?: string; schema?: { [key: string]: unknown }; allowExternalLinks?: boolean; enableWebSearch?: boolean; includeSubdomains?: boolean }): Promise<unknown>; };
// ---- firecrawl_agent
declare const tools: {
  firecrawl_agent(args: {
    /** @minLength 1 @maxLength 10000 */
    prompt: string;
    urls?: string[];
    schema?: { [key: string]: unknown };
  }): Promise<unknown>;
};
// ---- firecrawl_agent_status
declare const tools: { firecrawl_agent_status(args: { id: string }): Promise<unknown>; };
// ---- firecrawl_interact
declare const tools: {
  firecrawl_interact(args: {
    /** @minLength 1 */
    scrapeId?: string;
    /** @format uri */
    url?: string;
    /** @minLength 1 */
    prompt?: string;
    /** @minLength 1 */
    code?: string;
    language?: "bash" | "python" | "node";
    /** @minimum 1 @maximum 300 */
    timeout?: number;
    scrapeOptions?: {
      formats?: ("markdown" | "html" | "rawHtml" | "screenshot" | "links" | "summary" | "changeTracking" | "branding" | "json" | "query" | "audio")[];
      jsonOptions?: { prompt?: string; schema?: { [key: string]: unknown } };
      queryOptions?: {
        /** @maxLength 10000 */
        prompt: string;
        /** @default "freeform" */
        mode: "directQuote" | "freeform";
      };
      screenshotOptions?: { fullPage?: boolean; quality?: number; viewport?: { width: number; height: number } };
      parsers?: "pdf"[];
      pdfOptions?: {
        /** @minimum 1 @maximum 10000 */
        maxPages?: number;
      };
      onlyMainContent?: boolean;
      redactPII?: boolean;
      includeTags?: string[];
      excludeTags?: string[];
      waitFor?: number;
      actions?: { type: "wait" | "screenshot" | "scroll" | "scrape" | "click" | "write" | "press" | "executeJavascript" | "generatePDF"; selector?: string; milliseconds?: number; text?: string; key?: string; direction?: "up" | "down"; script?: string; fullPage?: boolean }[];
      mobile?: boolean;
      skipTlsVerification?: boolean;
      removeBase64Images?: boolean;
      location?: { country?: string; languages?: string[] };
      storeInCache?: boolean;
      zeroDataRetention?: boolean;
      maxAge?: number;
      lockdown?: boolean;
      proxy?: "basic" | "stealth" | "enhanced" | "auto";
      profile?: { name: string; saveChanges?: boolean };
    };
  }): Promise<unknown>;
};
// ---- firecrawl_interact_stop
declare const tools: { firecrawl_interact_stop(args: { scrapeId: string }): Promise<unknown>; };
// ---- firecrawl_parse
declare const tools: {
  firecrawl_parse(args: {
    formats?: ("markdown" | "html" | "rawHtml" | "links" | "summary" | "json" | "query")[];
    jsonOptions?: { prompt?: string; schema?: { [key: string]: unknown } };
    queryOptions?: {
      /** @maxLength 10000 */
      prompt: string;
      /** @default "freeform" */
      mode: "directQuote" | "freeform";
    };
    parsers?: "pdf"[];
    pdfOptions?: {
      /** @minimum 1 @maximum 10000 */
      maxPages?: number;
    };
    onlyMainContent?: boolean;
    redactPII?: boolean;
    includeTags?: string[];
    excludeTags?: string[];
    removeBase64Images?: boolean;
    skipTlsVerification?: boolean;
    storeInCache?: boolean;
    zeroDataRetention?: boolean;
    maxAge?: number;
    proxy?: "basic" | "auto";
    /**
     * Absolute or relative path to a local file to parse. Supported: .html, .htm, .pdf, .docx, .doc, .odt, .rtf, .xlsx, .xls
     * @minLength 1
     */
    filePath: string;
    /** Optional MIME type override. If omitted, the server infers the file kind from the extension. */
    contentType?: string;
  }): Promise<unknown>;
};
// ---- firecrawl_monitor_create
declare const tools: {
  firecrawl_monitor_create(args: {
    body?: { [key: string]: unknown };
    page?: string;
    pages?: string[];
    queries?: string[];
    searchWindow?: "5m" | "15m" | "1h" | "6h" | "24h" | "7d";
    /** @minimum 1 @maximum 50 */
    maxResults?: number;
    includeDomains?: string[];
    excludeDomains?: string[];
    goal?: string;
    name?: string;
    scheduleText?: string;
    timezone?: string;
    email?: string;
    includeDiffs?: boolean;
    webhookUrl?: string;
  }): Promise<unknown>;
};
// ---- firecrawl_monitor_list
declare const tools: {
  firecrawl_monitor_list(args: {
    /** @exclusiveMinimum 0 */
    limit?: number;
    /** @minimum 0 */
    offset?: number;
  }): Promise<unknown>;
};
// ---- firecrawl_monitor_get
declare const tools: { firecrawl_monitor_get(args: { id: string }): Promise<unknown>; };
// ---- firecrawl_monitor_update
declare const tools: { firecrawl_monitor_update(args: { id: string; body: { [key: string]: unknown } }): Promise<unknown>; };
// ---- firecrawl_monitor_delete
declare const tools: { firecrawl_monitor_delete(args: { id: string }): Promise<unknown>; };
// ---- firecrawl_monitor_run
declare const tools: { firecrawl_monitor_run(args: { id: string }): Promise<unknown>; };
// ---- firecrawl_monitor_checks
declare const tools: {
  firecrawl_monitor_checks(args: {
    id: string;
    /** @exclusiveMinimum 0 */
    limit?: number;
    /** @minimum 0 */
    offset?: number;
    status?: "queued" | "running" | "completed" | "failed" | "partial" | "skipped_overlap";
  }): Promise<unknown>;
};
// ---- firecrawl_monitor_check
declare const tools: {
  firecrawl_monitor_check(args: {
    id: string;
    checkId: string;
    /** @exclusiveMinimum 0 */
    limit?: number;
    /** @minimum 0 */
    skip?: number;
    pageStatus?: "same" | "new" | "changed" | "removed" | "error";
  }): Promise<unknown>;
};
// ---- firecrawl_research_search_papers
declare const tools: {
  firecrawl_research_search_papers(args: {
    /** @minLength 1 */
    query: string;
    /** @minimum 1 @maximum 500 */
    k?: number;
    /** Author substring filter(s); ALL must match (case-insensitive). */
    authors?: string[];
    /** arXiv category filter(s) (e.g. `cs.LG`); ALL must match. */
    categories?: string[];
    /** Inclusive lower bound on created/updated date (`YYYY-MM-DD`). */
    from?: string;
    /** Inclusive upper bound on created/updated date (`YYYY-MM-DD`). */
    to?: string;
  }): Promise<unknown>;
};
// ---- firecrawl_research_inspect_paper
declare const tools: {
  firecrawl_research_inspect_paper(args: {
    /**
     * Canonical paperId or primaryId such as `arxiv:1706.03762`, `pmcid:PMC12530322`, `pmid:40953549`, or `doi:10.1016/j.neunet.2025.108095`.
     * @minLength 1
     */
    paperId: string;
  }): Promise<unknown>;
};
// ---- firecrawl_research_related_papers
declare const tools: {
  firecrawl_research_related_papers(args: {
    /** @minItems 1 @maxItems 10 */
    seed_ids: string[];
    /** @minLength 1 */
    intent: string;
    mode?: "similar" | "citers" | "references";
    /** @minimum 1 @maximum 500 */
    k?: number;
    /** Apply an additional rerank over the fused candidates. */
    rerank?: boolean;
  }): Promise<unknown>;
};
// ---- firecrawl_research_read_paper
declare const tools: {
  firecrawl_research_read_paper(args: {
    /**
     * Canonical paperId or primaryId such as `arxiv:1706.03762`, `pmcid:PMC12530322`, `pmid:40953549`, or `doi:10.1016/j.neunet.2025.108095`.
     * @minLength 1
     */
    paperId: string;
    /** @minLength 1 */
    question: string;
    /** Number of passages to return (default 4). @minimum 1 @maximum 50 */
    k?: number;
  }): Promise<unknown>;
};
// ---- firecrawl_research_search_github
declare const tools: {
  firecrawl_research_search_github(args: {
    /** @minLength 1 */
    query: string;
    /** @minimum 1 @maximum 100 */
    k?: number;
  }): Promise<unknown>;
};
