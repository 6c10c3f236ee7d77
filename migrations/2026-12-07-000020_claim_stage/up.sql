-- Whether a figure's sentence calls it provisional or an earlier, since revised count
-- (see domain::linking::stage).
ALTER TABLE claims ADD COLUMN stage TEXT;
