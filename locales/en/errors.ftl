# Error messages — English.
err-form-has-errors = Some fields need correcting: see the message next to each.
err-required = This field is required.
err-too-long = This text is longer than allowed.
err-choice = Choose a value from the list.
err-date = Enter a real date.
err-number = Enter a whole number.
err-email = Enter a valid e-mail address, such as name@example.org.
err-email-taken = This e-mail address belongs to another user.
err-phone = Enter a phone number using digits only.
err-code-format = The code may use lower-case Latin letters, digits and - only, 32 characters at most.
err-code-taken = Another organisation already uses this code.
err-name-secretariat = This is the technical secretariat's name. Choose another name for your organisation.
err-org-unknown = This organisation does not exist.
err-role-org-mismatch = This role does not fit the organisation: secretariat roles are for secretariat staff, member roles for member staff.
err-password-short = The password must be at least ten characters long.
err-password-wrong = The current password is not correct.
err-password-mismatch = The two new passwords are not the same.
err-login = The e-mail address or password is not correct.
err-members-required = Choose at least one member.
err-owner-not-party = The responsible organisation must be the secretariat or one of the member parties.
err-member-owns-points = A member responsible for points of this agreement cannot be removed.
err-note-or-status = Write a note or change the status.
err-one-secretariat = There is already a secretariat.
err-secretariat-status = The secretariat's membership status does not change.
err-cannot-deactivate-self = You cannot switch off your own account.
err-invalid = The data sent is not valid.
err-bad-request = The request could not be read. Reload the page and try again.
err-nul = The text sent holds an invisible NUL character (often left by copying from another program). Retype it and try again.
err-unauthorized = Please sign in first.
err-forbidden = You do not have permission for this.
err-csrf = The form has expired or was sent from another site. Reload the page and try again.
err-not-found = This page or item does not exist.
err-method = This action is not available here.
err-timeout = The request took too long. Please try again.
err-conflict = This request conflicts with saved data.
err-too-large = The file or data sent is larger than allowed.
err-content-type = This kind of data is not accepted here.
err-too-many = Too many attempts. Wait a little and try again.
err-org-left = Your organisation has left the alliance, so its accounts no longer sign in. If this is a mistake, ask the secretariat.
err-json = The body is not valid JSON.
err-type = This value is of the wrong type (for example text where a number is expected).
err-unknown-field = This field is not part of the request: check its name against the API description.
err-code-fixed = Only the secretariat changes an organisation's code.
err-internal = Something went wrong on our side. Nothing from this request was saved. Please try again, and tell the secretariat if it happens again.

## Members' files (registry imports and `mizalla dedup`)
file-old-excel = This is an old Excel file (.xls). Save it as "Excel Workbook (.xlsx)" or "CSV UTF-8" and try again.
file-not-utf8 = line { $line } is not UTF-8 text: save the file as "CSV UTF-8" from Excel, or upload the .xlsx file itself.
file-empty = The file is empty.
file-no-header = The first line (the column names) cannot be read: { $detail }
file-too-many-rows = The file has more than { $detail } rows. Split it into smaller files.
file-bad-xlsx = The Excel file cannot be opened (it may be damaged or cut short): { $detail }
file-no-record-id = no record_id column: choose which column holds your own record number.
file-no-name = no name column: choose which column holds the full name (or the first name).
file-field-twice = Two columns are mapped to the same field ({ $detail }).
row-unreadable = line { $line }: the row cannot be read ({ $detail }).
row-columns = line { $line }: the row has a different number of columns than the header ({ $detail }).
row-cell-too-long = line { $line }: a cell is longer than { $detail } characters.
row-formula = line { $line }: the { $detail } cell holds a spreadsheet formula; type the value itself.
row-no-record-id = line { $line }: empty record_id.
row-no-name = line { $line }: no name, so not imported (a name is needed to recognise the beneficiary).
row-duplicate-key = line { $line }: this record number was already used on line { $detail }.
file-too-many-columns = The file has more than { $detail } columns. Keep only the columns of the list (delete empty or extra columns) and try again.
file-too-large-unpacked = The Excel file unpacks to more than { $detail } MB, far more than a list of this size holds. Save it again from Excel, or save it as "CSV UTF-8" and upload that.
row-nul = line { $line }: the row holds an invisible NUL character (often left by copying from another program); retype it or save the file again.

err-import-not-member = Only a member organisation imports beneficiaries.

## Assistance ledger
err-quantity = Enter a whole number from 1 to 100,000.
err-amount = Enter an amount in pounds, such as 250 or 250.50.
err-date-range = The date must be between the year 2000 and today.
err-window = Enter a number of days from 1 to 3650.
err-already-reversed = This entry has already been corrected.
err-upload = The file could not be received. Please choose it again.
err-no-file = Choose a file to upload.
err-reason = Give a reason of at least 5 characters.

err-weights = Each weight must be a number between -100 and 100, and the months between 1 and 60.
err-check-empty = Type at least the name, an ID number or the mobile number.
err-formula = The cell starts with "=" (an Excel formula): type the value itself.
err-unknown-record = None of your registrations in the shared registry has this record number.
file-missing-column = The file has no "{ $detail }" column.
err-import-failed = The import could not be completed and nothing from it was saved. Try again; if it happens again, tell the secretariat.
err-review-choose = Choose at least one pair (and at most twenty).
err-review-open = No decision has been made on this pair, so there is nothing to undo.
err-review-decided = This pair has already been decided (perhaps by a colleague while your page was open). See "Earlier decisions", where it can be undone.
err-income = Write the monthly income as a number of pounds, e.g. 1500.

# Coordination (issue 14).
err-date-years = The date must be between 2000 and 2099.
err-ends-before-start = The end date is before the start date.
err-governorate = This governorate was not recognised. Choose one of the 27 governorates.
err-people = Write the number of people as a whole number (zero or more), e.g. 120.
err-part-over-total = This is more than the total number of people the activity reached.
err-planned-reached = A planned activity has reached nobody yet: leave the number at zero, or change the status to "ongoing" or "done".
err-list-saved = This list was saved already (perhaps the save button was pressed twice). Open the activities page to see what was saved.
err-answer-by-required = Give the last day to answer: a request waits for an answer by a date.
err-answer-by-past = That date has passed. Choose today or a later day.
err-no-recipients = No active member works in what you chose. Choose more widely.
err-file-type = Files of this kind are not accepted. Attach a PDF, Word, Excel, PowerPoint, CSV or text file, or a picture (JPG, PNG, HEIC or WEBP).
err-file-too-large = The file is larger than 10 MB. Make it smaller or send it in parts.
err-control-character = The text holds an invisible character that is not accepted (often left by copying from another program). Retype it.
err-not-a-request = This is an announcement, which asks for no answer; confirming you have read it is enough.
err-one-line = A title is one line: remove the line breaks.

## The resource pool
err-pool-quantity = Enter a whole number from 1 to one billion.
err-pool-priority = The priority is a whole number from 1 (least in need) to 100 (most in need).
err-pool-district-reach = An offer that stays within its markaz needs the markaz's name.
err-pool-until-before-from = The last day available is before the first.
err-pool-until-past = The last day available has passed.
err-pool-offer-closed = This offer was withdrawn, so it cannot be changed.
err-pool-offer-committed = Part of this offer is in a published allocation, so it cannot be withdrawn. You can reduce it down to what was allocated.
err-pool-reduce-only = An offer can only be reduced. To offer more, add a new offer.
err-pool-below-committed = An offer cannot be reduced below what a published allocation gives from it.
err-pool-need-committed = A published allocation serves this need, so it cannot be withdrawn.
err-pool-deliver-by-past = The delivery date has passed.
err-pool-pins-exceed = The pins give an offer or a need more than it has. Remove one, then run again.
err-pool-run-not-proposal = A newer run replaced this proposal, so it cannot be published. Publish the newer one, or run the allocation again.
err-pool-run-stale = Offers or needs changed since this proposal was computed (something was withdrawn or reduced, or another allocation was published). Run the allocation again, then publish it.
err-pool-already-answered = This allocation was already answered.
err-pool-households = Enter a whole number within the limits given.
err-pool-accept-first = Accept the allocation first, then record its delivery.
err-pool-too-many-lines = Up to 500 households at a time. Split the list.
err-pool-unknown-household = A line is not a record id of your lists. Write the record id as on your list.
err-pool-more-than-allocated = That is more than what is left of the allocation.
