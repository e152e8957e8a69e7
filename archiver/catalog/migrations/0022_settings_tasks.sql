-- Settings in the browser and 我的任务 (issue 25).
-- changes.setting: the settings key a change was made to (office.name, standard.add, …), so that
-- `dibao history --settings` and the settings page show the trail like a household's.
ALTER TABLE changes ADD COLUMN setting TEXT;
CREATE INDEX changes_setting ON changes(setting) WHERE setting IS NOT NULL;
-- tasks: the web's long jobs (reports, dossiers, cover sheets) as rows, so they survive a restart; a task
-- that was running when the server stopped is marked interrupted and can be started again.
CREATE TABLE tasks(
  id INTEGER PRIMARY KEY,
  user TEXT NOT NULL,
  kind TEXT NOT NULL,
  target TEXT NOT NULL,
  params TEXT NOT NULL DEFAULT '{}',
  state TEXT NOT NULL,            -- queued | running | done | failed | interrupted
  step TEXT NOT NULL DEFAULT '',
  done INTEGER NOT NULL DEFAULT 0,
  total INTEGER NOT NULL DEFAULT 0,
  unit TEXT NOT NULL DEFAULT '户',
  result TEXT,                    -- the result file, relative to HOME
  error TEXT,
  created_at TEXT NOT NULL,
  finished_at TEXT
);
CREATE INDEX tasks_user ON tasks(user, id);
