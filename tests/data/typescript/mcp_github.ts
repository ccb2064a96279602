// ---- actions_list
declare const tools: {
  actions_list(args: {
    /** The action to perform */
    method: "list_workflows" | "list_workflow_runs" | "list_workflow_jobs" | "list_workflow_run_artifacts";
    /** Repository owner */
    owner: string;
    /** Page number for pagination (default: 1) @minimum 1 */
    page?: number;
    /** Results per page for pagination (default: 30, max: 100) @minimum 1 @maximum 100 */
    per_page?: number;
    /** Repository name */
    repo: string;
    /**
     * The unique identifier of the resource. This will vary based on the "method" provided, so ensure you provide the correct ID:
     * - Do not provide any resource ID for 'list_workflows' method.
     * - Provide a workflow ID or workflow file name (e.g. ci.yaml) for 'list_workflow_runs' method, or omit to list all workflow runs in the repository.
     * - Provide a workflow run ID for 'list_workflow_jobs' and 'list_workflow_run_artifacts' methods.
     */
    resource_id?: string;
    /** Filters for workflow jobs. **ONLY** used when method is 'list_workflow_jobs' */
    workflow_jobs_filter?: {
      /** Filters jobs by their completed_at timestamp */
      filter?: "latest" | "all";
    };
    /** Filters for workflow runs. **ONLY** used when method is 'list_workflow_runs' */
    workflow_runs_filter?: {
      /** Filter to a specific GitHub user's workflow runs. */
      actor?: string;
      /** Filter workflow runs to a specific Git branch. Use the name of the branch. */
      branch?: string;
      /** Filter workflow runs to a specific event type */
      event?: "branch_protection_rule" | "check_run" | "check_suite" | "create" | "delete" | "deployment" | "deployment_status" | "discussion" | "discussion_comment" | "fork" | "gollum" | "issue_comment" | "issues" | "label" | "merge_group" | "milestone" | "page_build" | "public" | "pull_request" | "pull_request_review" | "pull_request_review_comment" | "pull_request_target" | "push" | "registry_package" | "release" | "repository_dispatch" | "schedule" | "status" | "watch" | "workflow_call" | "workflow_dispatch" | "workflow_run";
      /** Filter workflow runs to only runs with a specific status */
      status?: "queued" | "in_progress" | "completed" | "requested" | "waiting";
    };
  }): Promise<unknown>;
};
// ---- create_issue
declare const tools: {
  create_issue(args: {
    /** Issue body content (optional) */
    body?: string;
    /** Repository owner (username or organization) */
    owner: string;
    /** Repository name */
    repo: string;
    /** Issue title */
    title: string;
  }): Promise<unknown>;
};
// ---- create_or_update_file
declare const tools: {
  create_or_update_file(args: {
    /** Set true to update a symbolic link itself; content must be its new target path. @default false */
    allow_symlink_write?: boolean;
    /** Branch to create/update the file in */
    branch: string;
    /**
     * Content of the file, exactly as it should appear once written. Do not base64-encode it; this server does that before calling the REST API.
     */
    content: string;
    /** Commit message */
    message: string;
    /** Repository owner (username or organization) */
    owner: string;
    /** Path where to create/update the file */
    path: string;
    /** Repository name */
    repo: string;
    /** The blob SHA of the file being replaced. Required if the file already exists. */
    sha?: string;
  }): Promise<unknown>;
};
// ---- create_pull_request
declare const tools: {
  create_pull_request(args: {
    /** Branch to merge into */
    base: string;
    /** PR description */
    body?: string;
    /** Create as draft PR */
    draft?: boolean;
    /** Branch containing changes */
    head: string;
    /** Allow maintainer edits */
    maintainer_can_modify?: boolean;
    /** Repository owner */
    owner: string;
    /** Repository name */
    repo: string;
    /** GitHub usernames or ORG/team-slug team reviewers to request reviews from */
    reviewers?: string[];
    /** PR title */
    title: string;
  }): Promise<unknown>;
};
// ---- get_file_contents
declare const tools: {
  get_file_contents(args: {
    /**
     * Subset of fields to return for each entry when the path is a directory. If omitted, all fields are returned. Ignored when the path is a single file. Use this to reduce response size when listing directories and you only need specific fields, e.g. just 'name' and 'type'.
     */
    fields?: ("type" | "name" | "path" | "size" | "sha" | "url" | "git_url" | "html_url" | "download_url")[];
    /** Repository owner (username or organization) */
    owner: string;
    /** Path to file/directory @default "/" */
    path?: string;
    /**
     * Accepts optional git refs such as `refs/tags/{tag}`, `refs/heads/{branch}` or `refs/pull/{pr_number}/head`
     */
    ref?: string;
    /** Repository name */
    repo: string;
    /** Accepts optional commit SHA. If specified, it will be used instead of ref */
    sha?: string;
  }): Promise<unknown>;
};
// ---- issue_write
declare const tools: {
  issue_write(args: {
    /** Usernames to assign to this issue */
    assignees?: string[];
    /** Issue body content */
    body?: string;
    /** Issue number that this issue is a duplicate of. Required when state_reason is 'duplicate'. */
    duplicate_of?: number;
    /**
     * Issue field values to set or clear. Each item requires 'field_name' and exactly one of 'value', 'field_option_name', or 'delete: true'.
     */
    issue_fields?: {
      /**
       * Set to true to clear this field's current value on the issue. When false or omitted, this property is ignored. Cannot be true when 'value' or 'field_option_name' is provided.
       */
      delete?: boolean;
      /**
       * Issue field name (case-insensitive). Must match a field returned by list_issue_fields for this repository or its organization.
       */
      field_name: string;
      /**
       * Option name for single-select fields. Validated against the field's options before the API call. Cannot be combined with 'value' or 'delete: true'.
       */
      field_option_name?: string;
      /**
       * Value to set. Use for text, number, and date fields (date as YYYY-MM-DD). For single-select fields, prefer 'field_option_name' so the option is validated before the API call. Cannot be combined with 'field_option_name' or 'delete: true'.
       */
      value?: string | number | boolean;
    }[];
    /** Issue number to update */
    issue_number?: number;
    /** Labels to apply to this issue */
    labels?: string[];
    /**
     * Write operation to perform on a single issue.
     * Options are:
     * - 'create' - creates a new issue.
     * - 'update' - updates an existing issue.
     */
    method: "create" | "update";
    /** Milestone number */
    milestone?: number;
    /** Repository owner */
    owner: string;
    /** Repository name */
    repo: string;
    /** New state */
    state?: "open" | "closed";
    /** Reason for the state change. Ignored unless state is changed. */
    state_reason?: "completed" | "not_planned" | "duplicate";
    /** Issue title */
    title?: string;
    /**
     * Type of this issue. For updates, pass null to remove the current type. Only use if issue types are enabled for this repository. Use list_issue_types to get valid type values for this repository or its owner organization. If the repository doesn't support issue types, omit this parameter.
     * @minLength 1
     */
    type?: string | null;
  }): Promise<unknown>;
};
// ---- list_issues
declare const tools: {
  list_issues(args: {
    /** Cursor for pagination. Use the cursor from the previous response. */
    after?: string;
    /** Order direction. If provided, the 'orderBy' also needs to be provided. */
    direction?: "ASC" | "DESC";
    /**
     * Filter by custom issue field values. Each entry takes a field_name and a value; the server looks up the field and coerces the value to its type (single-select option name, text, number, or YYYY-MM-DD date).
     */
    field_filters?: {
      /** Name of the custom field (e.g. "Priority"). Case-insensitive. */
      field_name: string;
      /**
       * Value to filter on. For single-select fields, the option name (e.g. "P1"). For dates, YYYY-MM-DD. For numbers, the numeric value as a string. For text, the text value.
       */
      value: string;
    }[];
    /**
     * Subset of fields to return for each issue. If omitted, all fields are returned. Use this to reduce response size when you only need specific fields; omitting 'body' and 'field_values' in particular drops the largest per-result data.
     */
    fields?: ("number" | "title" | "body" | "state" | "user" | "labels" | "assignees" | "comments" | "created_at" | "updated_at" | "field_values")[];
    /** Filter by labels */
    labels?: string[];
    /** Order issues by field. If provided, the 'direction' also needs to be provided. */
    orderBy?: "CREATED_AT" | "UPDATED_AT" | "COMMENTS";
    /** Repository owner */
    owner: string;
    /** Results per page for pagination (min 1, max 100) @minimum 1 @maximum 100 */
    perPage?: number;
    /** Repository name */
    repo: string;
    /** Filter by date (ISO 8601 timestamp) */
    since?: string;
    /** Filter by state, by default both open and closed issues are returned when not provided */
    state?: "OPEN" | "CLOSED";
  }): Promise<unknown>;
};
// ---- projects_write
declare const tools: {
  projects_write(args: {
    /** The body of the status update (markdown). Used for 'create_project_status_update' method. */
    body?: string;
    /** The name of the iteration field (e.g. 'Sprint'). Required for 'create_iteration_field' method. */
    field_name?: string;
    /** Saved view filter; omit on update to preserve it, or pass null to clear it. */
    filter?: string | null;
    /**
     * The issue number. Required for 'add_project_item' when item_type is 'issue'. Also accepted by 'update_project_item' to resolve the item by issue number (combine with item_owner and item_repo).
     */
    issue_number?: number;
    /**
     * The project item ID. Required for 'delete_project_item'. For 'update_project_item', provide either item_id, or (item_owner + item_repo + issue_number) to resolve the item by issue.
     */
    item_id?: number;
    /**
     * The owner (user or organization) of the repository containing the issue or pull request. Required for 'add_project_item' method. Also accepted by 'update_project_item' when resolving the item by issue number.
     */
    item_owner?: string;
    /**
     * The name of the repository containing the issue or pull request. Required for 'add_project_item' method. Also accepted by 'update_project_item' when resolving the item by issue number.
     */
    item_repo?: string;
    /** The item's type, either issue or pull_request. Required for 'add_project_item' method. */
    item_type?: "issue" | "pull_request";
    /**
     * The items to update with the top-level 'updated_field'. Required for 'update_project_items'; prefer it over calling 'update_project_item' in a loop. Each entry must match exactly one reference variant: 'node_id', numeric 'item_id', or 'item_owner' + 'item_repo' + 'issue_number'. Limit: 50 items per call.
     */
    items?: ({ [key: string]: unknown } & ({
      /** The project item's GraphQL node ID, as returned by 'list_project_items' or 'add_project_item'. */
      node_id: string;
    } | {
      /** The numeric project item ID. */
      item_id: number;
    } | {
      /** Issue number used to resolve the project item. */
      issue_number: number;
      /** Owner of the repository containing the issue. */
      item_owner: string;
      /** Repository containing the issue. */
      item_repo: string;
    }))[];
    /**
     * Duration in days for iterations of the field (e.g. 7 for weekly, 14 for bi-weekly). Required for 'create_iteration_field' method.
     */
    iteration_duration?: number;
    /**
     * Custom iterations for 'create_iteration_field' method. Only set this when you need iterations with varying durations, breaks between them, or specific titles. Otherwise omit it: GitHub auto-creates three iterations of 'iteration_duration' days starting on 'start_date', which is the right choice for most cases.
     */
    iterations?: {
      /** Duration in days */
      duration: number;
      /** Start date in YYYY-MM-DD format */
      start_date: string;
      /** Iteration title (e.g. 'Sprint 1') */
      title: string;
    }[];
    /** View layout; required when creating a view. */
    layout?: "table" | "board" | "roadmap";
    /** The method to execute */
    method: "add_project_item" | "update_project_item" | "update_project_items" | "delete_project_item" | "create_project_status_update" | "create_project_view" | "update_project_view" | "delete_project_view" | "create_project" | "create_iteration_field";
    /** View name; required when creating a view. */
    name?: string;
    /** The project owner (user or organization login). The name is not case sensitive. */
    owner: string;
    /**
     * Owner type (user or org). Required for 'create_project' method. If not provided for other methods, will be automatically detected.
     */
    owner_type?: "user" | "org";
    /** The project's number. Required for all methods except 'create_project'. */
    project_number?: number;
    /**
     * The pull request number (use when item_type is 'pull_request' for 'add_project_item' method). Provide either issue_number or pull_request_number.
     */
    pull_request_number?: number;
    /**
     * Start date in YYYY-MM-DD format. Used for 'create_project_status_update' and 'create_iteration_field' methods.
     */
    start_date?: string;
    /** The status of the project. Used for 'create_project_status_update' method. */
    status?: "INACTIVE" | "ON_TRACK" | "AT_RISK" | "OFF_TRACK" | "COMPLETE";
    /**
     * The target date of the status update in YYYY-MM-DD format. Used for 'create_project_status_update' method.
     */
    target_date?: string;
    /** The project title. Required for 'create_project' method. */
    title?: string;
    /**
     * The field/value to apply, using {"id": 123, "value": ...} or {"name": "Status", "value": ...}; null clears the field. Required for 'update_project_item' and 'update_project_items', where one top-level field/value applies to every item in a batch. For 'update_project_item' SINGLE_SELECT fields, the name form accepts option names; the ID form expects an option ID.
     */
    updated_field?: { [key: string]: unknown } & ({
      /** The numeric project field ID. */
      id: number;
      /** The value to apply. Any JSON value is accepted; use null to clear the field. */
      value: unknown;
    } | {
      /** The project field name. Matching is case-insensitive. */
      name: string;
      /** The value to apply. Any JSON value is accepted; use null to clear the field. */
      value: unknown;
    });
    /** Project view node ID for update or delete; must belong to owner/project_number. */
    view_id?: string;
    /**
     * Ordered project field names to show on create or replace on update; omit on update to preserve, or pass [] to reset. Mutually exclusive with visible_fields. Roadmap accepts only [].
     */
    visible_field_names?: string[];
    /**
     * Ordered project field database IDs to show on create or replace on update; omit on update to preserve, or pass [] to reset. Mutually exclusive with visible_field_names. Roadmap accepts only [].
     */
    visible_fields?: string[];
  }): Promise<unknown>;
};
// ---- search_code
declare const tools: {
  search_code(args: {
    /**
     * Subset of fields to return for each code search result. If omitted, all fields are returned. Use this to reduce response size when you only need specific fields; omitting 'repository' and 'text_matches' in particular drops the largest per-result data.
     */
    fields?: ("name" | "path" | "sha" | "repository" | "text_matches")[];
    /** Sort order for results */
    order?: "asc" | "desc";
    /** Page number for pagination (min 1) @minimum 1 */
    page?: number;
    /** Results per page for pagination (min 1, max 100) @minimum 1 @maximum 100 */
    perPage?: number;
    /**
     * Search query (GitHub code search REST). Implicit AND between terms; supports `OR`, `NOT`, and `"quoted phrase"` for exact match. Qualifiers: `repo:owner/repo`, `org:`, `user:`, `language:`, `path:dir` (prefix match), `filename:exact.ext`, `extension:`, `in:file`, `in:path`, `size:`, `is:archived`, `is:fork`. Max 256 chars. Examples: `WithContext language:go org:github`; `"package main" repo:o/r`; `func extension:go path:cmd repo:o/r`; `NOT TODO language:go repo:o/r`.
     */
    query: string;
    /** Sort field ('indexed' only) */
    sort?: string;
  }): Promise<unknown>;
};
// ---- update_issue_labels
declare const tools: {
  update_issue_labels(args: {
    /** The issue number to update @minimum 1 */
    issue_number: number;
    /** Labels to apply to this issue. */
    labels: (string | {
      /**
       * How confident you are in this choice. Use 'HIGH' for clear signal or explicit user request, 'MEDIUM' for reasonable inference with some ambiguity, 'LOW' for best guess with limited signal.
       */
      confidence?: "LOW" | "MEDIUM" | "HIGH";
      /**
       * If true, this label is sent to the API as a suggestion (suggest:true) rather than an applied label. Whether the label is applied or recorded as a proposal is determined by the API.
       */
      is_suggestion?: boolean;
      /** Label name */
      name: string;
      /**
       * One concise sentence explaining what specifically about the issue led you to choose this label. State the concrete signal (e.g. 'Reports a crash when saving' → bug).
       * @maxLength 280
       */
      rationale?: string;
    })[];
    /** Repository owner (username or organization) */
    owner: string;
    /** Repository name */
    repo: string;
  }): Promise<unknown>;
};
