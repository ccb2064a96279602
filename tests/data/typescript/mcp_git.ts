// ---- git_status
declare const tools: { git_status(args: { repo_path: string }): Promise<unknown>; };
// ---- git_diff_unstaged
declare const tools: {
  git_diff_unstaged(args: {
    repo_path: string;
    /** @default 3 */
    context_lines?: number;
  }): Promise<unknown>;
};
// ---- git_diff_staged
declare const tools: {
  git_diff_staged(args: {
    repo_path: string;
    /** @default 3 */
    context_lines?: number;
  }): Promise<unknown>;
};
// ---- git_diff
declare const tools: {
  git_diff(args: {
    repo_path: string;
    target: string;
    /** @default 3 */
    context_lines?: number;
  }): Promise<unknown>;
};
// ---- git_commit
declare const tools: { git_commit(args: { repo_path: string; message: string }): Promise<unknown>; };
// ---- git_add
declare const tools: {
  git_add(args: {
    repo_path: string;
    /** @minItems 1 */
    files: string[];
  }): Promise<unknown>;
};
// ---- git_reset
declare const tools: { git_reset(args: { repo_path: string }): Promise<unknown>; };
// ---- git_log
declare const tools: {
  git_log(args: {
    repo_path: string;
    /** @default 10 */
    max_count?: number;
    /**
     * Start timestamp for filtering commits. Accepts: ISO 8601 format (e.g., '2024-01-15T14:30:25'), relative dates (e.g., '2 weeks ago', 'yesterday'), or absolute dates (e.g., '2024-01-15', 'Jan 15 2024')
     * @default null
     */
    start_timestamp?: string | null;
    /**
     * End timestamp for filtering commits. Accepts: ISO 8601 format (e.g., '2024-01-15T14:30:25'), relative dates (e.g., '2 weeks ago', 'yesterday'), or absolute dates (e.g., '2024-01-15', 'Jan 15 2024')
     * @default null
     */
    end_timestamp?: string | null;
  }): Promise<unknown>;
};
// ---- git_create_branch
declare const tools: {
  git_create_branch(args: {
    repo_path: string;
    branch_name: string;
    /** @default null */
    base_branch?: string | null;
  }): Promise<unknown>;
};
// ---- git_checkout
declare const tools: { git_checkout(args: { repo_path: string; branch_name: string }): Promise<unknown>; };
// ---- git_show
declare const tools: { git_show(args: { repo_path: string; revision: string }): Promise<unknown>; };
// ---- git_branch
declare const tools: {
  git_branch(args: {
    /** The path to the Git repository. */
    repo_path: string;
    /** Whether to list local branches ('local'), remote branches ('remote') or all branches('all'). */
    branch_type: string;
    /**
     * The commit sha that branch should contain. Do not pass anything to this param if no commit sha is specified
     * @default null
     */
    contains?: string | null;
    /**
     * The commit sha that branch should NOT contain. Do not pass anything to this param if no commit sha is specified
     * @default null
     */
    not_contains?: string | null;
  }): Promise<unknown>;
};
