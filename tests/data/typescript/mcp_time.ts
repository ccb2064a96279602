// ---- get_current_time
declare const tools: {
  get_current_time(args: {
    /**
     * IANA timezone name (e.g., 'America/New_York', 'Europe/London'). Use 'Etc/UTC' as local timezone if no timezone provided by the user.
     */
    timezone: string;
  }): Promise<{ timezone: string; datetime: string; day_of_week: string; is_dst: boolean }>;
};
// ---- convert_time
declare const tools: {
  convert_time(args: {
    /**
     * Source IANA timezone name (e.g., 'America/New_York', 'Europe/London'). Use 'Etc/UTC' as local timezone if no source timezone provided by the user.
     */
    source_timezone: string;
    /** Time to convert in 24-hour format (HH:MM) */
    time: string;
    /**
     * Target IANA timezone name (e.g., 'Asia/Tokyo', 'America/San_Francisco'). Use 'Etc/UTC' as local timezone if no target timezone provided by the user.
     */
    target_timezone: string;
  }): Promise<{ source: TimeResult; target: TimeResult; time_difference: string }>;
};
type TimeResult = { timezone: string; datetime: string; day_of_week: string; is_dst: boolean };
