-- Services members offer to the resource pool (issue 15) beside goods and money: medical visits
-- and volunteers' hours, as kinds of assistance like the others (the ledger records them when
-- they are delivered; the secretariat can rename or retire them on the kinds page).
INSERT INTO assistance_categories (code, name_ar, name_en, sector) VALUES
    ('medical_visit', 'كشف طبي', 'Medical visit', 'health'),
    ('volunteer_hours', 'ساعات تطوع', 'Volunteer hours', 'livelihoods');
