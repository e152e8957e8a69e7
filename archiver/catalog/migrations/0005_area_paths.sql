-- Areas by their whole path (属地管理): a village user's area becomes `乡镇/村`. An account holding a bare
-- village name that exactly one township has is rewritten to that path; one that several townships have
-- stays bare and sees nothing until `dibao user set NAME --area 乡镇/村` says which (never both villages).
UPDATE users SET area = (SELECT min(h.township) FROM households h WHERE h.village = users.area) || '/' || area
 WHERE role = 'village' AND area <> '' AND instr(area, '/') = 0
   AND (SELECT count(DISTINCT coalesce(h.township, '')) FROM households h WHERE h.village = users.area) = 1
   AND (SELECT min(h.township) FROM households h WHERE h.village = users.area) <> ''
