-- transition_rollup (0004) was replaced by stage_change_rollup (0005), which keeps the same counts per day, team and
-- owner; nothing reads it any more, and its triggers cost a write on every stage transition.
DROP TRIGGER IF EXISTS transitions_rollup_insert;
DROP TRIGGER IF EXISTS transitions_rollup_update;
DROP TRIGGER IF EXISTS transitions_rollup_delete;
DROP TABLE IF EXISTS transition_rollup;
