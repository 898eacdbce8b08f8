-- Job status changes are announced on the channel ai_job_events (payload: the job's id), so each
-- web process keeps one LISTEN connection and wakes the event streams that follow a job, instead
-- of every stream polling the table. A trigger rather than the writers: workers on other machines,
-- retention, admin actions and account deletion all change ai_jobs, and none can forget to announce.
CREATE FUNCTION beatsight_notify_ai_job() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('ai_job_events', NEW.id::text);
  RETURN NULL;
END $$;

CREATE TRIGGER ai_jobs_notify AFTER INSERT OR UPDATE ON ai_jobs
  FOR EACH ROW EXECUTE FUNCTION beatsight_notify_ai_job();
