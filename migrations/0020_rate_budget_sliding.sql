-- HubSpot's ten-second limit is a rolling window. A fixed-window counter let runs spend one window's budget at its
-- end and the next window's at its start — up to twice the limit within ten seconds (429s in bench:enforce once runs
-- got fast). The previous window's count now weighs on the current one (a sliding-window estimate, store/rate-budget.ts).
ALTER TABLE rate_budget ADD COLUMN previous_used INTEGER NOT NULL DEFAULT 0;
