# Mizalla — Arabic (default). Keep the same keys as en/main.ftl; a test checks.
app-name = مظلة
lang-switch = English
nav-home = الرئيسية
nav-agreements = الاتفاقات والمتابعة
nav-orgs = الأعضاء
nav-audit = سجل التدقيق
nav-password = كلمة المرور
nav-tokens = مفاتيح الربط
nav-logout = خروج
back-home = العودة إلى الرئيسية
save = حفظ
edit = تعديل
by-system = النظام

login-title = تسجيل الدخول
login-submit = دخول
login-first-run = لا يوجد مستخدمون بعد.
retry-in-minutes = { $count ->
    [one] يمكنك المحاولة مرة أخرى بعد دقيقة.
    [two] يمكنك المحاولة مرة أخرى بعد دقيقتين.
    [few] يمكنك المحاولة مرة أخرى بعد { $count } دقائق.
   *[other] يمكنك المحاولة مرة أخرى بعد { $count } دقيقة.
}
setup-title = إنشاء أول مسؤول للأمانة الفنية
setup-intro = هذه الصفحة متاحة مرة واحدة فقط، قبل وجود أي مستخدم. أنشئ حساب مسؤول الأمانة الفنية، ثم سجّل الدخول به.
setup-submit = إنشاء الحساب

home-welcome = أهلًا بك في مظلة
home-open-points = بنود مفتوحة
home-overdue-points = بنود متأخرة عن موعدها
home-agreements = اتفاقات
home-recent = أحدث الاتفاقات

orgs-title = الأمانة الفنية والجمعيات الأعضاء
orgs-new = إضافة جمعية عضو
orgs-edit = تعديل بيانات الجهة
org-kind-secretariat = الأمانة الفنية
org-kind-member = جمعية عضو
org-status-active = نشطة
org-status-suspended = معلّقة
org-status-left = انسحبت
org-change-status = تغيير حالة العضوية
org-history = سجل العضوية
users-title = المستخدمون
users-add = إضافة مستخدم
user-active = مفعّل
user-inactive = موقوف
user-activate = تفعيل
user-deactivate = إيقاف

sector-relief = الإغاثة
sector-health = الصحة
sector-education = التعليم
sector-livelihoods = سبل العيش
sector-women_children = المرأة والطفل
sector-disability = ذوو الإعاقة
sector-housing = السكن
sector-water_sanitation = المياه والصرف الصحي

role-secretariat_admin = مسؤول الأمانة الفنية
role-secretariat_staff = موظف الأمانة الفنية
role-member_admin = مسؤول الجمعية
role-member_staff = موظف الجمعية
role-auditor = مدقق (اطلاع فقط)

agreements-title = الاتفاقات والمتابعة
agreements-new = تسجيل اتفاق جديد
agreements-edit = تعديل الاتفاق
agreements-empty = لا توجد اتفاقات مطابقة.
kind-visit = زيارة
kind-meeting = اجتماع
kind-memorandum = مذكرة تفاهم
status-open = مفتوح
status-in_progress = قيد التنفيذ
status-done = تم
status-dropped = أُلغي
status-change = { $from } ← { $to }
overdue = متأخر
points-agreed = البنود المتفق عليها
points-add = إضافة بند
points-empty = لا توجد بنود بعد.
points-progress = تم { $done } من { $total }
points-overdue = { $count ->
    [zero] لا بنود متأخرة
    [one] بند متأخر
    [two] بندان متأخران
    [few] { $count } بنود متأخرة
   *[other] { $count } بندًا متأخرًا
}
follow-up-submit = إضافة متابعة
hint-points = اكتب كل بند في سطر، مع الجهة المسؤولة والموعد. الأسطر الفارغة تُترك.
hint-code = حروف إنجليزية وأرقام فقط، مثل: amal
hint-password = عشرة أحرف على الأقل.

filter-search = بحث
filter-member = الجمعية
filter-status = حالة البنود
filter-overdue = بها بنود متأخرة فقط
filter-any = الكل
filter-apply = عرض
filter-from = من تاريخ
filter-to = إلى تاريخ
pager-label = الصفحات
pager-status = صفحة { $page } من { $pages } ({ $total } إجمالًا)
pager-prev = السابق
pager-next = التالي

audit-title = سجل التدقيق
audit-empty = لا توجد عمليات مطابقة.
entity-org = جهة
entity-user = مستخدم
entity-api_token = مفتاح ربط
entity-agreement = اتفاق
entity-agreement_point = بند
entity-assistance = قيد مساعدة
entity-assistance_list = قائمة مساعدات
entity-ledger = سجل المساعدات

password-title = تغيير كلمة المرور
password-changed = تم تغيير كلمة المرور.
password-sessions-ended = { $count ->
    [0] لم تكن مسجّلًا الدخول في أي متصفح آخر.
    [one] تبقى مسجّلًا الدخول هنا، وسُجّل خروجك من متصفح آخر.
    [two] تبقى مسجّلًا الدخول هنا، وسُجّل خروجك من متصفحين آخرين.
    [few] تبقى مسجّلًا الدخول هنا، وسُجّل خروجك من { $count } متصفحات أخرى.
   *[other] تبقى مسجّلًا الدخول هنا، وسُجّل خروجك من { $count } متصفحًا آخر.
}
password-tokens-revoked = { $count ->
    [0] لم يكن لديك مفاتيح ربط.
    [one] أُلغي مفتاح الربط الخاص بك. أنشئ مفتاحًا جديدًا إن كان برنامج يحتاجه.
    [two] أُلغي مفتاحا الربط الخاصان بك. أنشئ مفاتيح جديدة إن كانت برامج تحتاجها.
    [few] أُلغيت { $count } مفاتيح ربط. أنشئ مفاتيح جديدة إن كانت برامج تحتاجها.
   *[other] أُلغي { $count } مفتاح ربط. أنشئ مفاتيح جديدة إن كانت برامج تحتاجها.
}
tokens-title = مفاتيح الربط (API)
tokens-intro = مفتاح الربط يسمح لبرنامج آخر باستخدام مظلة باسمك وبصلاحياتك نفسها. وصف الواجهة:
tokens-created = هذا هو المفتاح الجديد. انسخه الآن، فلن يظهر مرة أخرى:
tokens-create = إنشاء مفتاح
tokens-empty = لا توجد مفاتيح.
token-active = فعّال
token-revoked = ملغى
token-revoke = إلغاء المفتاح

field-name = الاسم
field-code = الرمز
field-name_ar = الاسم بالعربية
field-name_en = الاسم بالإنجليزية
field-kind = النوع
field-status = الحالة
field-sectors = مجالات العمل
field-governorates = المحافظات التي تغطيها
field-contact_name = مسؤول التواصل
field-contact_phone = هاتف التواصل
field-contact_email = بريد التواصل
field-email = البريد الإلكتروني
field-password = كلمة المرور
field-display_name = الاسم الظاهر
field-role = الدور
field-org = الجهة
field-note = ملاحظة
field-date = التاريخ
field-by = بواسطة
field-title = العنوان
field-held_on = تاريخ الانعقاد
field-place = المكان
field-participants = الحضور
field-summary = الملخص
field-members = الجمعيات الأطراف
field-member_ids = الجمعيات الأطراف
field-progress = الإنجاز
field-point = البند
field-point_body = البند
field-point_owner = الجهة المسؤولة عن البند
field-point_due = موعد البند
field-owner = الجهة المسؤولة
field-due_on = الموعد
field-follow_up = متابعة جديدة
field-current = كلمة المرور الحالية
field-new = كلمة المرور الجديدة
field-confirm = تأكيد كلمة المرور الجديدة
field-token_name = اسم المفتاح
field-created = تاريخ الإنشاء
field-when = الوقت
field-actor = المستخدم
field-action = العملية
field-entity = العنصر
field-before = قبل
field-after = بعد
field-q = البحث
field-page = الصفحة
field-member = الجمعية

month-1 = يناير
month-2 = فبراير
month-3 = مارس
month-4 = أبريل
month-5 = مايو
month-6 = يونيو
month-7 = يوليو
month-8 = أغسطس
month-9 = سبتمبر
month-10 = أكتوبر
month-11 = نوفمبر
month-12 = ديسمبر

## السجل الموحد
action-new-person = شخص جديد
action-linked = مسجل من قبل (تم الربط)
action-review = أُحيل للمراجعة
action-unchanged = بدون تغيير
problem-no-name = لا يوجد اسم
problem-id-excel = الرقم القومي أتلفه إكسل (ظهر بصيغة 2.9E+13): اكتبه مرة أخرى كنص
problem-id-malformed = الرقم القومي ليس رقمًا صحيحًا من 14 خانة
problem-id-inconsistent = الرقم القومي لا يتفق مع تاريخ الميلاد أو النوع
problem-date = تعذرت قراءة تاريخ الميلاد
problem-phone = رقم الهاتف ليس رقم محمول مصريًا
problem-governorate = محافظة غير معروفة
problem-gender = تعذرت قراءة النوع (يُكتب ذكر أو أنثى)
problem-date-future = تاريخ الميلاد بعد اليوم
nav-registry = المستفيدون
nav-review = قائمة المراجعة
nav-assistance = المساعدات
nav-overlaps = التكرارات
registry-title = السجل الموحد للمستفيدين
registry-import = استيراد كشف
import-template-sheet = المستفيدون
import-template-file = نموذج-قائمة-المستفيدين
import-template = نزّل نموذج إكسل بالعناوين التي يفهمها الاستيراد
registry-search-label = الاسم أو الرقم القومي أو رقم المحمول
registry-search-hint = ابحث برقم السجل عندكم، أو بالاسم بأي طريقة كتابة (عربي أو إنجليزي)، أو بالرقم القومي (14 رقمًا)، أو برقم المحمول. لا تظهر بيانات مستفيدي الجمعيات الأخرى لأي جمعية.
registry-person = رقم الشخص في السجل
registry-household = رقم الأسرة
registry-birth-year = سنة الميلاد
registry-elsewhere = { $count ->
    [one] مسجل أيضًا لدى جمعية أخرى
    [two] مسجل أيضًا لدى جمعيتين أخريين
    [few] مسجل أيضًا لدى { $count } جمعيات أخرى
   *[other] مسجل أيضًا لدى { $count } جمعية أخرى
}
registry-others = { $count ->
    [one] يوجد تسجيل واحد مطابق لدى جمعية أخرى. تبقى بياناته لدى تلك الجمعية.
    [two] يوجد تسجيلان مطابقان لدى جمعيات أخرى. تبقى بياناتهما لدى تلك الجمعيات.
    [few] توجد { $count } تسجيلات مطابقة لدى جمعيات أخرى. تبقى بياناتها لدى تلك الجمعيات.
   *[other] يوجد { $count } تسجيلًا مطابقًا لدى جمعيات أخرى. تبقى بياناتها لدى تلك الجمعيات.
}
registry-masked-note = البيانات الشخصية لمستفيدي الجمعيات مخفية جزئيًا. يمكن لموظف الأمانة فتح زوج في قائمة المراجعة مع ذكر السبب، ويُسجَّل ذلك.
registry-none = لا يوجد تسجيل مطابق.
field-member_key = رقم السجل
field-record_id = رقم السجل (لديكم)
field-member_org = الجمعية
field-household_ref = رقم الأسرة / الملف
field-relation_to_head = صلة القرابة برب الأسرة
field-full_name = الاسم بالكامل
field-first_name = الاسم الأول
field-father_name = اسم الأب
field-grandfather_name = اسم الجد
field-family_name = اسم العائلة
field-gender = النوع
field-date_of_birth = تاريخ الميلاد
field-age = السن
field-national_id = الرقم القومي
field-other_id = رقم هوية آخر (جواز سفر، المفوضية…)
field-phone = المحمول
field-governorate = المحافظة
field-district = المركز / القسم
field-village = القرية / المنطقة
field-address = العنوان
field-registered_at = تاريخ التسجيل
field-category = نوع المساعدة
field-scope = لمن
field-quantity = الكمية
field-value = القيمة (جنيه)
field-given_on = تاريخ الصرف
field-programme = البرنامج
field-window_days = خلال (يوم)
import-file = الملف (إكسل ‎.xlsx‎ أو CSV)
import-file-hint = حتى { $mb } ميجابايت. يجب أن يحتوي الصف الأول على أسماء الأعمدة؛ تُفهم الأسماء بالعربية أو الإنجليزية.
import-upload = رفع ومعاينة
import-recent = عمليات استيراد سابقة
import-when = التاريخ
import-rows = الصفوف
import-rejected = صفوف لم تُستخدم
import-none = لم يُستورد أي كشف بعد.
import-preview = معاينة
import-again = اختيار ملف آخر
import-mapping = أي عمود فيه أي بيان
import-column = العمود في ملفكم
import-sample = الصف الأول
import-field = البيان
import-field-none = (غير مستخدم)
import-save-mapping = حفظ الأعمدة والمعاينة مرة أخرى
import-what-happens = ما سيحدث عند الاستيراد
import-rejected-rows = صفوف لن تُستورد
import-rows-title = الصفوف (ما يحتاج إلى مراجعة أولًا)
import-line = السطر
import-action = ما سيحدث
import-problems = ملاحظات
import-updated = تحديث
import-more-rows = { $count ->
    [one] وصف آخر بلا ملاحظات.
    [two] وصفان آخران بلا ملاحظات.
    [few] و{ $count } صفوف أخرى بلا ملاحظات.
   *[other] و{ $count } صفًا آخر بلا ملاحظات.
}
import-commit = استيراد الآن
import-done = تم الاستيراد
import-done-summary = استُورد { $rows } صف: { $new } شخص جديد، و{ $linked } مسجل من قبل، و{ $review } أُحيل للمراجعة.
review-title = تكرارات محتملة للمراجعة
review-hint = كل زوج قد يكون الشخص نفسه مسجلًا مرتين. قرّر بالبيانات المخفية جزئيًا وشرح المحرك؛ ولا تفتح البيانات كاملة إلا عند الحاجة (يُسجَّل السبب).
review-left = التسجيل الأول
review-right = التسجيل الثاني
review-probability = احتمال أن يكونا الشخص نفسه: { $percent }%
review-same = الشخص نفسه
review-different = شخصان مختلفان
review-unsure = غير متأكد
review-reveal = فتح البيانات كاملة
review-reason = سبب الحاجة إلى البيانات كاملة
review-reveal-button = فتح (يُسجَّل في سجل المراجعة)
review-revealed-note = فتحت البيانات الشخصية لمستفيدي هذه الجمعيات. سُجّل ذلك في سجل المراجعة مع السبب.
review-empty = لا يوجد ما يُراجع.
assistance-title = المساعدات المقدمة
assistance-hint = يُحفظ كل قيد دائمًا. لتصحيح قيد ألغِه: يُضاف قيد عكسي.
assistance-empty = لم تُسجّل مساعدات بعد.
assistance-record = تسجيل مساعدة
assistance-save = تسجيل
assistance-recorded = تم تسجيل المساعدة
assistance-no-overlap = تم التسجيل. لم تقدم جمعية أخرى المساعدة نفسها لهذه الأسرة مؤخرًا.
assistance-back = العودة إلى المستفيد
assistance-reverse = إلغاء هذا القيد
assistance-reversal = يلغي القيد { $id }
overlap-warning-title = سبق تقديم مساعدة من جمعية أخرى
overlap-warning = قدمت جمعية أخرى { $category } بتاريخ { $date } (القاعدة: خلال { $days } يومًا).
choose = اختر…
assistance-repeated = هذه المساعدة سُجلت من قبل بهذا النموذج نفسه، ولم يُسجَّل شيء جديد.
own-repeat-title = سجلت جمعيتكم المساعدة نفسها من قبل
own-repeat = سجلت جمعيتكم { $category } لهذه الأسرة بتاريخ { $date } (القاعدة: خلال { $days } يومًا).
assistance-confirm-title = راجِع قبل الحفظ
assistance-confirm-intro = أنت على وشك تسجيل { $category } بتاريخ { $date }. انظر ما وُجد قبل أن تحفظ:
assistance-confirm-save = سجّل المساعدة رغم ذلك
assistance-confirm-cancel = إلغاء والعودة إلى السجل
scope-household = الأسرة
scope-person = الشخص
rules-title = قواعد التكرار
rules-hint = تنبّه القاعدة الجمعية التي تسجل مساعدة إذا كانت جمعية أخرى قد قدمت المساعدة من النوع نفسه للشخص أو للأسرة نفسها خلال المدة.
rules-empty = لا توجد قواعد بعد.
rules-new = قاعدة جديدة
overlaps-title = المساعدات المتكررة
overlaps-total = حالات التكرار
overlaps-by-member = حسب الجمعية
overlaps-by-governorate = حسب المحافظة
overlaps-by-month = حسب الشهر
overlaps-unknown = غير مسجلة
overlaps-none = لم يُكتشف تكرار حتى الآن.
ledger-head-title = حالة سجل المساعدات الآن
ledger-head-hint = كل قيد مساعدة مختوم بمفتاح السجل المحفوظ خارج قاعدة البيانات، ومسجل في سجل المراجعة. دوّن نقطة التحقق أدناه أو اطبعها من حين لآخر واحفظها خارج المنصة. يثبت هذا الأمر بها لاحقًا أنه لم يُحذف أو يُغيَّر أي قيد حتى هذه النقطة:
ledger-head-entries = عدد القيود
ledger-head-newest = وقت تسجيل أحدث قيد
ledger-head-hash = بصمة أحدث قيد
ledger-head-checkpoint = نقطة التحقق للحفظ
ledger-head-key = معرّف مفتاح السجل (وليس المفتاح نفسه)
ledger-head-empty = لم تُسجل أي مساعدة بعد.
yes = نعم
no = لا
priority-title = الأولى بالمساعدة أولًا
priority-hint = أسركم مرتبة حسب درجة. كل وزن يُضرب فيما سجّلته جمعيتكم عن الأسرة (أفرادها وأعمارهم والإعاقة والدخل كما في كشوفكم؛ ولا تدخل فيها بيانات جمعية أخرى، سوى عدد المساعدات التي تلقتها الأسرة من أي جمعية)؛ والوزن السالب يُنقص الدرجة. غيّر الأوزان ثم اضغط عرض، ثم صدّر القائمة.
priority-w-size = لكل فرد
priority-w-children = لكل طفل دون 18
priority-w-elderly = لكل مسن 65 فأكثر
priority-w-female-head = تعولها امرأة
priority-w-recent = لكل مساعدة حصلت عليها
priority-w-months = خلال آخر (شهر)
priority-rank = الترتيب
priority-size = الأفراد
priority-children = الأطفال
priority-elderly = المسنون
priority-female-head = تعولها امرأة
priority-recent = مساعدات حديثة
priority-score = الدرجة
priority-empty = لا توجد أسر مسجلة بعد.
priority-more = { $count ->
    [one] وأسرة أخرى في الملف المصدَّر.
    [two] وأسرتان أخريان في الملف المصدَّر.
    [few] و{ $count } أسر أخرى في الملف المصدَّر.
   *[other] و{ $count } أسرة أخرى في الملف المصدَّر.
}
nav-priority = الأولى بالمساعدة
check-title = هل هو مسجل بالفعل؟
check-hint = قبل تسجيل مستفيد جديد، اكتب ما لديك من بياناته: يُقارن بالسجل الموحد كله (الاسم بأي طريقة كتابة، والرقم القومي، وتاريخ الميلاد، والمحمول، والمكان). لا تظهر بيانات الجمعيات الأخرى: لمن سجلته جمعيات أخرى فقط يظهر عدد هذه الجمعيات واحتمال تقريبي أنه الشخص نفسه؛ أما البيانات المتطابقة فتظهر لمن سجلته جمعيتكم فقط.
check-submit = تحقق
check-unknown = غير معروف
check-registered = هذا الشخص مسجل بالفعل في السجل الموحد.
check-maybe = قد يكون هذا الشخص مسجلًا: راجع أوجه الاتفاق أدناه قبل التسجيل.
check-new = لا يوجد تسجيل مطابق: يبدو أنه مستفيد جديد.
check-person = الشخص رقم { $id } في السجل — احتمال أنه نفس الشخص { $percent }٪
check-person-elsewhere = شخص سجلته جمعيات أخرى فقط — احتمال أنه نفس الشخص { $percent }٪ على الأقل (لا تظهر البيانات المتطابقة لأنها بيانات تلك الجمعيات)
check-yours = سجلتموه أنتم برقم:
check-field = البيان
check-comparison = المقارنة
check-weight = الوزن (موجب يؤيد، سالب يعارض)
gender-male = ذكر
gender-female = أنثى
link-field-national_id = الرقم القومي
link-field-first_name = الاسم الأول
link-field-father_name = اسم الأب
link-field-later_names = باقي الاسم
link-field-birth_date = تاريخ الميلاد
link-field-gender = النوع
link-field-phone = المحمول
link-field-place = المكان
link-field-other_id = رقم هوية آخر
link-field-address = العنوان
link-level-national_id-1 = مطابق
link-level-national_id-2 = مطابق لكنه لا يتفق مع تاريخ الميلاد أو النوع
link-level-national_id-3 = يختلف في رقم واحد
link-level-national_id-4 = مختلف
link-level-first_name-1 = مطابق
link-level-first_name-2 = نفس الاسم بكتابة أخرى
link-level-first_name-3 = متشابه
link-level-first_name-4 = مختلف
link-level-first_name-5 = مقلوب مع اسم لاحق (الاسم الأول واسم العائلة، أو العائلة مكتوبة أولاً)
link-level-father_name-1 = مطابق
link-level-father_name-2 = نفس الاسم بكتابة أخرى
link-level-father_name-3 = متشابه
link-level-father_name-4 = مختلف
link-level-later_names-1 = كلها متفقة
link-level-later_names-2 = أغلبها متفق
link-level-later_names-3 = بعضها متفق
link-level-later_names-4 = لا شيء متفق
link-level-birth_date-1 = نفس التاريخ
link-level-birth_date-2 = خطأ كتابة: اليوم والشهر مقلوبان أو رقم واحد مختلف
link-level-birth_date-3 = نفس السنة
link-level-birth_date-4 = في حدود سنتين
link-level-birth_date-5 = مختلف
link-level-gender-1 = نفس النوع
link-level-gender-2 = مختلف
link-level-phone-1 = نفس الرقم
link-level-phone-2 = مختلف
link-level-place-1 = نفس القرية
link-level-place-2 = نفس المركز أو المحافظة
link-level-place-3 = محافظة أخرى
link-level-other_id-1 = مطابق
link-level-other_id-2 = يختلف في حرف واحد
link-level-other_id-3 = مختلف
link-level-address-1 = مطابق
link-level-address-2 = متشابه
link-level-address-3 = معظم الكلمات مشتركة (جزء ناقص أو بترتيب آخر)
link-level-address-4 = مختلف
registry-check = هل هو مسجل؟
registry-notices = ما تغير في سجلاتكم
notices-title = ما تغير في سجلاتكم
notices-hint = عندما تقرر الأمانة الفنية أن تسجيلين لنفس الشخص أو لشخصين مختلفين، أو عندما يُدمج أو يُفصل شخص في السجل الموحد، يظهر ذلك هنا لكل سجل من سجلاتكم تأثر به.
notices-what = ما حدث
notices-empty = لم يتغير شيء في سجلاتكم.
notice-merged = دُمج مع تسجيل آخر لنفس الشخص: صار رقمه في السجل { $to } (كان { $from }).
notice-split = فُصل عن تسجيل لم يعد يُعد لنفس الشخص: صار رقمه في السجل { $to } (كان { $from }).
notice-same = قررت الأمانة الفنية أنه وتسجيلًا لجمعية أخرى لنفس الشخص (رقم { $to }).
notice-different = قررت الأمانة الفنية أنه وتسجيلًا آخر لشخصين مختلفين؛ لن يُقترح الربط بينهما مرة أخرى.
notice-unsure = راجعت الأمانة الفنية تشابهه مع تسجيل آخر ولم تحسم الأمر بعد.
categories-title = أنواع المساعدات
categories-hint = الأنواع التي تسجلها الجمعيات في سجل المساعدات وتُبنى عليها قواعد التكرار. الرمز لا يتغير بعد الإضافة لأن المساعدات والقواعد تشير إليه؛ النوع الذي يُلغى تفعيله يبقى على ما سُجل به ولا يُعرض للتسجيل الجديد.
categories-offered = متاح للتسجيل
categories-retired = موقوف
categories-new = إضافة نوع مساعدة
categories-add = إضافة
categories-link = أنواع المساعدات
aimport-title = استيراد مساعدات من ملف
aimport-hint = ملف إكسل (.xlsx) أو CSV، صف لكل مساعدة صُرفت لمستفيد سجلتموه في السجل الموحد. تُفهم أسماء الأعمدة بالعربية أو الإنجليزية. ستظهر معاينة بما سيُسجل وما يُرفض ولماذا، وأي تكرار مع جمعية أخرى، قبل التسجيل. الصف المسجل من قبل لا يُسجل مرة ثانية.
aimport-column = العمود
aimport-what = ما يُكتب فيه
aimport-col-record_id = رقم السجل لديكم، كما في كشف المستفيدين الذي استوردتموه (مطلوب)
aimport-col-category = نوع المساعدة: اسمه أو رمزه (مطلوب)
aimport-col-scope = للأسرة أو للفرد (الأسرة إن تُرك فارغًا)
aimport-col-quantity = الكمية (1 إن تُرك فارغًا)
aimport-col-value = القيمة بالجنيه (0 إن تُرك فارغًا)
aimport-col-given_on = تاريخ الصرف، مثل 2026-03-01 أو 1/3/2026 (مطلوب)
aimport-col-programme = البرنامج أو المشروع (اختياري)
aimport-preview = هذه معاينة: لم يُسجل شيء بعد. راجع الصفوف ثم اضغط "تسجيل".
aimport-done = { $count ->
    [zero] لم يُسجل شيء.
    [one] سُجلت مساعدة واحدة في السجل.
    [two] سُجلت مساعدتان في السجل.
    [few] سُجلت { $count } مساعدات في السجل.
   *[other] سُجلت { $count } مساعدة في السجل.
}
aimport-recorded = سُجلت
aimport-to-record = ستُسجل
aimport-already = مسجلة من قبل
aimport-overlapping = تتكرر مع جمعية أخرى
aimport-refused = مرفوضة
aimport-fate = النتيجة
aimport-why = السبب
aimport-fate-recorded = تُسجل
aimport-fate-already_recorded = مسجلة من قبل
aimport-fate-refused = مرفوضة
aimport-commit = { $count ->
    [one] تسجيل مساعدة واحدة
   *[other] تسجيل { $count } مساعدة
}
aimport-again = رفع ملف آخر
aimport-link = استيراد من ملف
import-running = جارٍ الاستيراد
import-running-hint = مضى { $count } ثانية. تتحدث هذه الصفحة وحدها كل ثانية؛ يمكنك تركها مفتوحة حتى تظهر النتيجة. لا يُحفظ شيء حتى يكتمل الاستيراد كله.
import-pending = ملفات لم تُستورد بعد
import-pending-hint = كشوف رفعتها اليوم ولم تستوردها، أو لم يكتمل استيرادها (توقف الخادم أو فشل الاستيراد): لم يُحفظ منها شيء. افتح أيًّا منها لترى معاينته وتستورده من جديد.
import-state = الحالة
import-next = الخطوة التالية
import-follow = متابعة الاستيراد
import-start-again = ابدأ من جديد
import-continue = متابعة إلى المعاينة
import-interrupted = لم يكتمل هذا الاستيراد: توقف الخادم أثناء تنفيذه، ولم يُحفظ منه شيء. ابدأه من جديد من المعاينة؛ الملف ما زال محفوظًا.
import-more-rejected = … و{ $count } صفًا آخر لم تُستخدم.
job-state-waiting = مرفوع ولم يُستورد
job-state-running = جارٍ الاستيراد الآن
job-state-done = تم الاستيراد
job-state-failed = فشل الاستيراد
job-state-interrupted = توقف قبل أن يكتمل
progress-starting = بدء الاستيراد
progress-writing = كتابة الصفوف
progress-linking = مطابقة السجل الموحد كله (قد تستغرق دقيقة في السجلات الكبيرة)
progress-saving = حفظ أرقام الأشخاص والأسر
field-disability = الإعاقة
field-monthly_income = دخل الأسرة الشهري (جنيه)
priority-w-disability = لكل فرد من ذوي الإعاقة
priority-w-income = لكل 1000 جنيه دخل شهري للفرد
priority-disabled = ذوو الإعاقة
priority-income = الدخل الشهري للفرد (جنيه)
check-problems = راجع هذه البيانات (استُخدم الباقي في البحث):

## The audit log: each event as a sentence, its fields
entity-registry_upload = ملف مرفوع
entity-registry_import = استيراد قائمة مستفيدين
entity-registry_mapping = ربط أعمدة ملف
entity-registry = السجل الموحد
entity-registry_pair = زوج للمراجعة
entity-assistance_category = نوع مساعدة
entity-overlap_rule = قاعدة تكرار
audit-ev-org-create = أضاف منظمة
audit-ev-org-update = عدّل بيانات منظمة
audit-ev-org-set_status = غيّر وضع منظمة في التحالف
audit-ev-user-create = أضاف مستخدمًا
audit-ev-user-activate = فعّل حساب مستخدم
audit-ev-user-deactivate = أوقف حساب مستخدم
audit-ev-user-change_password = غيّر كلمة مروره
audit-ev-api_token-create = أنشأ مفتاح واجهة برمجية
audit-ev-api_token-revoke = ألغى مفتاح واجهة برمجية
audit-ev-agreement-create = سجّل اتفاقًا
audit-ev-agreement-update = عدّل اتفاقًا
audit-ev-agreement_point-create = أضاف بندًا إلى اتفاق
audit-ev-agreement_point-follow_up = تابع بندًا من اتفاق
audit-ev-registry_upload-upload = رفع ملفًا
audit-ev-registry_import-import = استورد قائمة مستفيدين
audit-ev-registry_mapping-save = حفظ ربط أعمدة ملف
audit-ev-registry-relink = أعاد ربط السجل الموحد
audit-ev-registry_pair-decide = قرر في زوج للمراجعة
audit-ev-registry_pair-view_personal_data = فتح البيانات الكاملة لزوج للمراجعة
audit-ev-assistance-create = سجّل مساعدة
audit-ev-assistance-reverse = صحّح مساعدة بقيد عكسي
audit-ev-assistance-import = سجّل مساعدة من قائمة
audit-ev-assistance_list-import = استورد قائمة مساعدات
audit-ev-assistance_category-create = أضاف نوع مساعدة
audit-ev-assistance_category-update = عدّل نوع مساعدة
audit-ev-overlap_rule-create = أضاف قاعدة تكرار
audit-ev-ledger-seal = ختم سجل المساعدات بمفتاحه
audit-what = ما حدث
audit-changes = ما تغيّر
audit-number = رقم
audit-emptied = (فارغ)
audit-arrow = ←
audit-times-hint = الأوقات بتوقيت القاهرة.
audit-field-active = مفعّل
audit-field-sessions_ended = جلسات أُنهيت
audit-field-tokens_revoked = مفاتيح أُلغيت
audit-field-file = الملف
audit-field-bytes = الحجم (بايت)
audit-field-purpose = الغرض
audit-field-updated = صفوف حُدّثت
audit-field-unchanged = صفوف بلا تغيير
audit-field-rejected = صفوف مرفوضة
audit-field-new_persons = أشخاص جدد
audit-field-linked = مسجلون من قبل
audit-field-review = أُحيلوا للمراجعة
audit-field-registrations_moved = تسجيلات تغيّر شخصها
audit-field-pairs_for_review = أزواج للمراجعة
audit-field-records = التسجيلات
audit-field-reason = السبب
audit-field-columns = عدد الأعمدة
audit-field-fields = الحقول
audit-field-hash = بصمة القيد
audit-field-overlaps = تكرارات
audit-field-value_piastres = القيمة (قرش)
audit-field-reverses = يعكس القيد
audit-field-user_id = المستخدم
audit-field-org_id = المنظمة
audit-field-owner_org_id = المنظمة المسؤولة
audit-field-points = البنود
audit-field-body = نص البند
audit-field-window_days = المدة (أيام)
audit-field-entries = القيود
audit-field-recorded = سُجّلت
audit-field-refused = رُفضت
audit-field-already_recorded = مسجلة من قبل
audit-field-key_id = معرّف المفتاح
audit-field-pre_key_entries = قيود قبل المفتاح
audit-field-pre_key_head = آخر قيد قبل المفتاح
audit-field-colour = اللون

## A member's own registrations
registry-own-title = مستفيدو جمعيتكم
registry-own-import = الاستيراد
registry-own-all = عرض الكل
registry-own-household = أفراد الأسرة رقم { $id } الذين سجلتموهم
registry-own-count = { $count } تسجيلًا
registry-own-empty = لا توجد تسجيلات بهذه الشروط.
export-xlsx = تنزيل إكسل
export-csv = تنزيل CSV
registry-export-file = مستفيدو-الجمعية
registry-elsewhere-column = سجلته جمعيات أخرى
audit-command-line = سطر الأوامر على الخادم
overlaps-count = عدد التكرارات
overlaps-month = الشهر
notice-merged-kept = ضُم إليه تسجيل آخر للشخص نفسه، وبقي رقمه { $to }.
notice-split-kept = فُصل عنه تسجيل لم يعد يُعد الشخص نفسه، وبقي رقمه { $to }.
audit-ev-user-set_language = اختار لغة الصفحات
audit-field-language = اللغة

review-decided-link = القرارات السابقة (للتراجع عن قرار)
review-bulk = قرار واحد لعدة أزواج
review-bulk-hint = علّم الأزواج المتشابهة بعلامة «اختر هذا الزوج» ثم اختر القرار. ستُعرض عليك نتيجته قبل تنفيذه.
review-pick = اختر هذا الزوج لقرار جماعي
review-confirm-title = تأكيد القرار
review-confirm-same = ستقرر أن { $pairs ->
    [one] التسجيلين في هذا الزوج لشخص واحد
   *[other] التسجيلين في كل زوج من { $pairs } أزواج لشخص واحد
    }.
review-confirm-different = ستقرر أن { $pairs ->
    [one] التسجيلين في هذا الزوج لشخصين مختلفين
   *[other] التسجيلين في كل زوج من { $pairs } أزواج لشخصين مختلفين
    }؛ لن يُقترح الربط بينهما مرة أخرى.
review-confirm-unsure = ستخرج { $pairs ->
    [one] هذا الزوج
   *[other] { $pairs } أزواج
    } من قائمة المراجعة دون تغيير في السجل.
review-confirm-reopened = ستتراجع عن القرار في هذا الزوج: يعود إلى قائمة المراجعة ويُعاد الربط بدونه.
review-effect-moved = تسجيلات سيتغير رقم الشخص فيها: { $moved }
review-effect-persons = عدد الأشخاص في التسجيلات المعنية: { $before } قبل القرار، و{ $after } بعده
review-effect-members = جمعيات ستُبلغ بالقرار: { $members }
review-confirm-button = نفّذ القرار
review-likelihood = احتمال أنه نفس الشخص
review-done-same = تم: { $pairs } من الأزواج لشخص واحد. تغير رقم الشخص في { $moved } من التسجيلات، وأُبلغت { $members } من الجمعيات.
review-done-different = تم: { $pairs } من الأزواج لشخصين مختلفين. تغير رقم الشخص في { $moved } من التسجيلات، وأُبلغت { $members } من الجمعيات.
review-done-unsure = تم: خرج { $pairs } من الأزواج من القائمة دون تغيير في السجل، وأُبلغت { $members } من الجمعيات.
review-done-reopened = تم التراجع عن القرار: عاد الزوج إلى المراجعة. تغير رقم الشخص في { $moved } من التسجيلات، وأُبلغت { $members } من الجمعيات.
review-decided-title = القرارات السابقة في أزواج المراجعة
review-decided-hint = كل قرار اتخذته الأمانة الفنية، الأحدث أولًا. التراجع عن قرار يعيد الزوج إلى قائمة المراجعة ويعيد الربط ويبلغ الجمعيات المعنية، ويُسجل في سجل التدقيق.
review-decided-empty = لم يُتخذ أي قرار بعد.
review-pair = رقم الزوج
review-decision = القرار
review-decided-by = بواسطة
review-undo = تراجع عن القرار
review-status-same = شخص واحد
review-status-different = شخصان مختلفان
review-status-unsure = غير متأكد
notice-reopened = تراجعت الأمانة الفنية عن قرارها في تشابهه مع تسجيل آخر، وعاد الأمر إلى المراجعة. رقمه الآن { $to }.
audit-ev-registry_pair-reopen = تراجع عن قرار في زوج للمراجعة
action-cancel = إلغاء والعودة
priority-household-ref = رقم الأسرة في كشفكم
priority-households = الأسر
priority-persons = الأفراد
priority-female-headed = أسر تعولها امرأة
priority-unassisted = أسر لم تتلق مساعدة في المدة
priority-neediest = أسر ضمن الربع الأكثر احتياجًا
priority-need-title = الأكثر احتياجًا: الاحتياج في كل محافظة
priority-need-hint = كل أسرة في السجل المشترك مرة واحدة أيًا كانت الجمعية التي سجلتها، محسوبة بالأوزان أدناه ومجموعة حسب المحافظة، دون ذكر أي اسم. «الربع الأكثر احتياجًا» هو ربع أسر السجل كله صاحب أعلى الدرجات. ترتيب الأسر بأسمائها تراه كل جمعية لأسرها فقط.
priority-help-title = كيف تُحسب الدرجة؟
priority-help = لكل أسرة: عدد أفرادها × وزن الفرد، + عدد الأطفال (أقل من 18 سنة) × وزنهم، + كبار السن (65 فأكثر) × وزنهم، + ذوو الإعاقة × وزنهم، + وزن الأسرة التي تعولها امرأة إن كانت كذلك، + (الدخل الشهري للفرد ÷ 1000) × وزن الدخل، + عدد المساعدات التي تلقتها الأسرة من أي جمعية في المدة المختارة × وزن المساعدة. الوزن السالب يخفض الدرجة: الدخل الأعلى والمساعدات الحديثة تؤخر الأسرة في الترتيب. الأسرة صاحبة الدرجة الأعلى تأتي أولًا.
assistance-export-file = المساعدات
assistance-entry = رقم القيد
assistance-cancels = يلغي القيد رقم
overlaps-export-file = التداخلات
overlaps-earlier-entry = القيد السابق
overlaps-earlier-date = تاريخ القيد السابق
overlaps-earlier-member = الجمعية صاحبة القيد السابق
agreements-export-file = الاتفاقات
agreements-parties = الأطراف
agreements-points = البنود
agreements-done = بنود تمت
agreements-overdue = بنود متأخرة
audit-export-file = سجل التدقيق
audit-entity-id = رقم السجل
correct-title = تصحيح بيانات المستفيد
correct-hint = صحح ما كُتب خطأ في كشفكم. تُراجع القيم كما تُراجع عند رفع الكشف، ويُعاد ربط السجل حتى يتبع الشخص والأسرة التصحيح. يُسجل في سجل التدقيق أسماء الحقول التي تغيرت فقط، لا قيمها.
correct-date-hint = اكتب التاريخ كما في كشفكم، مثل ‎1985-11-11‎ أو ‎11/11/1985‎ (اليوم أولًا).
correct-save = احفظ التصحيح
correct-link = تصحيح البيانات
correct-done = { $count ->
    [one] صُحح حقل واحد وأُعيد ربط السجل.
    [two] صُحح حقلان وأُعيد ربط السجل.
   *[other] صُححت { $count } حقول وأُعيد ربط السجل.
    }
correct-nothing = لم يتغير شيء، فلم يُحفظ شيء.
entity-registry_record = تسجيل مستفيد
audit-ev-registry_record-correct = صحح بيانات تسجيل مستفيد
check-says = ماذا يقول
check-says-strong-for = يؤيد بقوة أنه نفس الشخص
check-says-for = يؤيد قليلًا
check-says-against = يعارض قليلًا
check-says-strong-against = يعارض بقوة: غالبًا شخص آخر
check-help-title = ماذا تعني النسبة؟
check-help = النسبة هي احتمال أن يكون المسجل هو نفس الشخص، محسوبة من مقارنة كل حقل. فوق 90٪ يكاد يكون مؤكدًا؛ بين 50٪ و90٪ تحقق من الرقم القومي أو تاريخ الميلاد مع المستفيد؛ الاسم وحده يعطي نسبة أقل دائمًا. الجدول يبين ما يقوله كل حقل.
nav-menu = القائمة
nav-label = أقسام المنصة
status-help-title = ماذا تعني حالات البنود؟
status-help = «مفتوح»: اتُفق عليه ولم يبدأ العمل فيه بعد. «قيد التنفيذ»: بدأ العمل فيه. «تم»: نُفذ، ويُكتب في المتابعة ما تم. «أُلغي»: اتفق الطرفان على تركه. البند المفتوح أو قيد التنفيذ بعد موعده يظهر «متأخر».
record-help-title = ماذا تعني هذه الأرقام؟
record-help = «رقم الشخص في السجل» واحد لكل إنسان مهما تعددت الجمعيات التي سجلته، و«رقم الأسرة» واحد لكل أسرة. «مسجل أيضًا لدى جمعية أخرى» يعني أن جمعية أخرى سجلت الشخص نفسه: لا تظهر بياناتها، لكن المساعدات التي قدمتها تُحسب عند التحقق من التداخل.
priority-need-file = الاحتياج حسب المحافظة
date-placeholder = يوم/شهر/سنة، مثل 02/12/2026

## Coordination: the 4W, activities, the observatory (issue 14).
nav-coordination = من يعمل أين
nav-activities = الأنشطة
nav-observatory = المرصد
field-sector = المجال
field-type_code = نوع النشاط
field-starts_on = تاريخ البدء
field-ends_on = تاريخ الانتهاء
field-reached_total = عدد من وصل إليهم النشاط
field-reached_women = منهم نساء
field-reached_children = منهم أطفال
level-governorate = المحافظة
level-district = المركز / القسم
level-village = القرية
period-month = شهريًا
period-quarter = كل ربع سنة
period-year = سنويًا
period-all = الفترة كلها
fourw-title = من يعمل أين ومتى (4W)
fourw-hint = كل صف محسوب مما تسجله الجمعيات بالفعل فلا يُكتب رقم مرتين: "محسوب" من سجل المساعدات (كل شخص وكل أسرة مرة واحدة حسب هوية السجل الموحد، فالأسرة التي ساعدتها ثلاث جمعيات أسرة واحدة في صف التحالف)، و"مُبلَّغ عنه" من الأنشطة كما عدّتها الجمعية. المكان هو مكان التسجيل الذي قُدمت عليه المساعدة.
fourw-hidden-title = أقل من { $threshold }
fourw-level = مستوى المكان
fourw-period = الفترة
fourw-kind = نوع المساعدة أو النشاط
fourw-source = المصدر
fourw-source-both = الكل
fourw-source-counted = محسوب من سجل المساعدات
fourw-source-reported = مُبلَّغ عنه من الأنشطة
fourw-who = من
fourw-what = ماذا
fourw-where = أين
fourw-when = متى
fourw-persons = الأشخاص
fourw-households = الأسر
fourw-value = القيمة (جنيه)
fourw-alliance = التحالف (كل شخص مرة واحدة)
fourw-count = { $count } صف
fourw-empty = لا توجد مساعدات أو أنشطة تطابق هذا الاختيار.
fourw-women-children = نساء { $women }، أطفال { $children }
fourw-export-file = من-يعمل-أين
fourw-col-org_code = رمز الجمعية
fourw-col-org_name = الجمعية
fourw-col-sector = المجال
fourw-col-category = النوع
fourw-col-adm1_code = رمز المحافظة
fourw-col-adm1_name = المحافظة
fourw-col-adm2_name = المركز / القسم
fourw-col-adm3_name = القرية
fourw-col-period_start = من
fourw-col-period_end = إلى
fourw-col-source = المصدر
fourw-col-persons_reached = الأشخاص
fourw-col-households_reached = الأسر
fourw-col-quantity = الكمية
fourw-col-value_egp = القيمة (جنيه)
activities-title = الأنشطة
activities-hint = الأنشطة التي ليست مساعدة لشخص مسجل: تدريب، ندوة توعية، قافلة طبية، تأهيل مدرسة. تظهر في جدول "من يعمل أين" على أنها "مُبلَّغ عنها". النشاط المخطط له لا يُحسب حتى يبدأ.
activities-new = تسجيل نشاط
activities-import = رفع قائمة أنشطة
activities-import-hint = ملف إكسل أو CSV، صف لكل نشاط. تُعرض معاينة أولًا ولا يُحفظ شيء حتى تضغط "حفظ".
activities-import-columns = الأعمدة التي تُفهم (بالعربية أو الإنجليزية): نوع النشاط والعنوان والمحافظة وتاريخ البدء والحالة مطلوبة.
activities-imported = حُفظ { $count } نشاط.
activities-saved = حُفظت
activities-to-save = ستُحفظ
activities-commit = حفظ الأنشطة ({ $count })
activities-empty = لا توجد أنشطة بعد.
activity-saved = حُفظ النشاط.
activity-edit = تعديل النشاط
activity-updated = آخر تعديل
activity-ends-hint = اتركه فارغًا إذا كان النشاط يومًا واحدًا.
activity-reached-hint = كما عددتموهم، مثل المشاركين في التدريب أو المترددين على القافلة.
activity-status-planned = مخطط له
activity-status-ongoing = جارٍ
activity-status-done = تم
activity-types-title = أنواع الأنشطة
activity-types-hint = الأنواع التي تختار منها الجمعيات عند تسجيل نشاط، ولكل نوع مجال يظهر به في جدول "من يعمل أين". الرمز لا يتغير بعد الإضافة؛ النوع الموقوف يبقى على ما سُجل به.
activity-types-new = إضافة نوع نشاط
activity-types-add = إضافة
observatory-title = مرصد التحالف
observatory-hint = أرقام حية محسوبة مما تسجله الجمعيات الأعضاء: كل شخص وكل أسرة مرة واحدة مهما تعددت الجمعيات التي ساعدتها. لا تحتوي هذه الصفحة على أي بيانات شخصية.
observatory-span = المساعدات من { $since } إلى { $until }
observatory-persons = شخص وصلت إليه المساعدة
observatory-households = أسرة
observatory-villages = قرية ومنطقة
observatory-members = جمعية عضو نشطة
observatory-reported = مشارك في الأنشطة (حسب ما أبلغت به الجمعيات)
observatory-suppression = الأعداد الأقل من { $threshold } تظهر "<{ $threshold }"، ومعها أعداد أخرى تكفي لكي لا يُستنتج أي منها من المجاميع.
observatory-by-governorate = الأسر التي وصلت إليها المساعدة حسب المحافظة والنوع
observatory-households-note = الأسرة التي حصلت على نوعين تُعد في كل نوع، ومرة واحدة في الإجمالي.
observatory-by-month = حسب الشهر (آخر اثني عشر شهرًا)
observatory-activities = الأنشطة حسب النوع
observatory-people = المشاركون
observatory-reported-note = أعداد المشاركين كما أبلغت بها الجمعيات، وليست أشخاصًا من السجل الموحد.
observatory-total = الإجمالي
observatory-computed = حُسبت في { $at }
period-quarter-of = الربع { $quarter } من { $year }
fourw-short-counted = محسوب
fourw-short-reported = مُبلَّغ عنه
nav-coverage = خريطة الخير
coverage-title = خريطة الخير: الاحتياج والمساعدة
coverage-hint = لكل مكان: الأسر المسجلة، والأسر الأشد احتياجًا (الربع الأعلى في درجة الأولوية بالسجل الموحد)، والأسر التي وصلتها المساعدة من النوع المختار في الفترة، والأسر التي ساعدتها جمعيتان أو أكثر بالنوع نفسه، وعدد الجمعيات العاملة، والأسر الأشد احتياجًا التي لم يصلها أحد. الفترة الافتراضية آخر اثني عشر شهرًا.
coverage-any-kind = كل الأنواع
coverage-registered = الأسر المسجلة
coverage-neediest = الأشد احتياجًا
coverage-assisted = وصلتها المساعدة
coverage-twice = ساعدتها جمعيتان أو أكثر
coverage-members = الجمعيات العاملة
coverage-unserved = أشد احتياجًا لم يصلها أحد
coverage-flag = ملاحظة
coverage-flag-twice = أكثر من جمعية
coverage-flag-none = احتياج بلا خدمة
coverage-map-title = خريطة المحافظات حسب نسبة الأسر الأشد احتياجًا التي لم تصلها المساعدة
coverage-map-desc = كلما كان اللون أغمق زادت نسبة الأسر الأشد احتياجًا التي لم يصلها أحد. النقطة الزرقاء تعني أسرًا ساعدتها جمعيتان أو أكثر بالنوع نفسه. اضغط على المحافظة لرؤية أرقامها في الجدول.
coverage-tip = الأشد احتياجًا { $need }، لم يصلها أحد { $unserved }، وصلتها المساعدة { $assisted }، ساعدتها أكثر من جمعية { $twice }، الجمعيات { $members }
coverage-credit = الحدود: geoBoundaries (CC BY 3.0 IGO)، عن egygeo.
coverage-legend = دليل الألوان
coverage-class-0 = لا توجد أسر أشد احتياجًا مسجلة
coverage-class-1 = أقل من 20% لم يصلها أحد
coverage-class-2 = من 20% إلى 40%
coverage-class-3 = من 40% إلى 70%
coverage-class-4 = 70% فأكثر لم يصلها أحد
coverage-twice-mark = أسر ساعدتها جمعيتان أو أكثر بالنوع نفسه
coverage-by-governorate = حسب المحافظة
coverage-places = حسب { $level }: الأكثر احتياجًا بلا خدمة أولًا
coverage-more = تظهر أول 300 من { $count } مكانًا؛ نزّل الجدول لرؤيتها كلها.
coverage-empty = لا توجد تسجيلات أو مساعدات في هذا الاختيار.
coverage-export-file = خريطة-الخير
home-today = ما يحتاجك اليوم
home-persons = شخص في السجل الموحد
home-households = أسرة في السجل الموحد
home-pairs = زوج ينتظر المراجعة
home-overlaps-month = تكرار في المساعدات هذا الشهر
home-own-registrations = تسجيل لجمعيتكم في السجل
home-aid-month = مساعدة سجلتموها هذا الشهر
home-own-overlaps = تنبيه تكرار على مساعداتكم هذا الشهر
home-notices-week = تغيير في السجل يخص تسجيلاتكم هذا الأسبوع
home-activities-month = نشاط بدأ هذا الشهر
nav-goals = الأهداف
field-description = الوصف
goals-title = الأهداف المشتركة
goals-hint = أهداف التحالف ومؤشراتها، وتُحسب قيمها مما تسجله الجمعيات: من سجل المساعدات (كل أسرة أو شخص مرة واحدة)، أو من الأنشطة المبلغ عنها، أو مما تُدخله الجمعيات مع ملاحظة. العلامة الداكنة على الشريط هي حيث ينبغي أن يكون التقدم اليوم لو سار بانتظام.
goals-new = هدف جديد
goals-form-hint = اكتب الهدف وفترته، ثم أضف له مؤشرًا أو أكثر في صفحته.
goals-title-example = مثل: دعم غذائي لخمسين ألف أسرة في الصعيد خلال 2026
goals-empty = لا توجد أهداف بعد.
goals-no-indicators = لم يُضف لهذا الهدف مؤشر بعد.
goals-reached = { $value } من { $target } ({ $percent }%)
goals-off-track = متأخر عن المعدل
goals-pace = لو سار التقدم بانتظام لكان اليوم عند { $percent }% من المستهدف.
goals-by-governorate = حسب المحافظة
goals-by-member = مساهمة الجمعيات
goals-members-overlap = الأسرة التي ساعدتها جمعيتان تُحسب لكل منهما، ومرة واحدة في الإجمالي، فمجموع المساهمات قد يزيد على الإجمالي.
goals-value = القيمة
goals-enter = إدخال قيمة
goals-note = ملاحظة (ما الذي تحقق ومصدره)
goals-as-of = حتى تاريخ
goals-add-indicator = إضافة مؤشر
goals-source = مصدر القيمة
goals-source-hint = "من سجل المساعدات" يعد الأسر أو الأشخاص الذين وصلتهم المساعدة في فترة الهدف؛ "من الأنشطة" يجمع من وصلت إليهم الأنشطة؛ "تُدخله الجمعيات" لقيم لا تسجلها المنصة (مثل عدد المتطوعين).
goals-source-ledger = من سجل المساعدات
goals-source-activities = من الأنشطة المبلغ عنها
goals-source-entered = تُدخله الجمعيات
goals-measure = ما يُعد (لسجل المساعدات)
goals-measure-households = الأسر
goals-measure-persons = الأشخاص
goals-places = المحافظات (اتركها كلها فارغة للجمهورية كلها)
goals-everywhere = كل المحافظات
goals-target = المستهدف
home-goals-off-track = هدف متأخر عن المعدل
err-measure-ledger = اختر ما يُعد من سجل المساعدات: الأسر أو الأشخاص.
err-target = اكتب عددًا صحيحًا موجبًا، مثل 50000.
err-value-counted = قيمة هذا المؤشر تُحسب من المنصة، فلا تُدخل باليد.
fourw-suppressed = لحماية الأسر تُنشر أرقام الجمعيات الأخرى في جدول واحد فقط: حسب المحافظة وربع السنة، عدد الأشخاص والأسر، ويظهر العدد الأقل من { $threshold } بالشكل "<{ $threshold }" ومعه ما يكفي لكي لا يُستنتج بالطرح. في المستويات والفترات الأخرى يظهر أن الجمعية تعمل هناك فقط، وأرقام التحالف كله في المرصد. أرقام جمعيتكم تظهر كاملة دائمًا.
fourw-published-link = اعرض أرقام الجمعيات الأخرى (حسب المحافظة وربع السنة)
fourw-present = تعمل هنا
activities-preview = هذه معاينة: لم يُحفظ شيء بعد. راجع الصفوف ثم اضغط زر الحفظ.
goals-reached-hidden = أقل من { $threshold } من { $target } (العدد الصغير لا يُنشر)

## Announcements and coordination requests
nav-announcements = التعاميم والطلبات
nav-waiting = { $n ->
    [one] أمر واحد ينتظر ردّكم
    [two] أمران ينتظران ردّكم
    [few] { $n } أمور تنتظر ردّكم
   *[other] { $n } أمرًا ينتظر ردّكم
}
announcements-title = التعاميم وطلبات التنسيق
announcements-new = تعميم أو طلب جديد
announcements-hint-secretariat = اكتب إلى كل الأعضاء أو إلى أعضاء محافظات أو قطاعات بعينها. الطلب ينتظر ردًّا بتاريخ محدد؛ ترى هنا من ردّ ومن تأخر، ويمكنك تذكير المتأخرين.
announcements-hint-member = ما أرسلته الأمانة الفنية إلى جمعيتك. أكّد قراءة التعاميم، وأرسل ردّك على الطلبات قبل موعدها.
announcements-empty = لا توجد تعاميم ولا طلبات بعد.
announcements-waiting-only = ما ينتظر ردّكم فقط
announcements-form-hint = يصل إلى { $members } جمعية عضو إن لم تختر محافظات أو قطاعات. إن اخترت، يصل إلى الأعضاء الذين يعملون في إحداها بحسب ملفاتهم.
announcements-send = إرسال
announcement-kind-request = طلب تنسيق
announcement-kind-announcement = تعميم
announcement-kind-request-hint = ينتظر ردًّا من كل جمعية بتاريخ محدد
announcement-kind-announcement-hint = للعلم، يكفي أن تؤكد الجمعية قراءته
announcement-title-example = مثال: أرسلوا خطة توزيع رمضان في سوهاج
field-body = النص
field-answer_by = آخر موعد للرد
announcement-answer-by-hint = للطلبات فقط: آخر يوم يُقبل فيه الرد في موعده (يوم/شهر/سنة).
announcement-to-governorates = إلى الأعضاء العاملين في المحافظات
announcement-audience-hint = اترك الكل دون اختيار ليصل إلى كل الأعضاء.
announcement-to-sectors = وفي القطاعات
announcement-file = ملف مرفق
announcement-file-hint = اختياري. حتى { $mb } ميجابايت، من الأنواع: { $types }.
announcement-sent-on = أُرسل في
announcement-to = إلى
announcement-all-governorates = كل المحافظات
announcement-all-sectors = كل القطاعات
announcement-sent = { $n ->
    [one] أُرسل إلى جمعية واحدة.
    [two] أُرسل إلى جمعيتين.
    [few] أُرسل إلى { $n } جمعيات.
   *[other] أُرسل إلى { $n } جمعية.
}
announcement-sent-mail = وسيصل بالبريد الإلكتروني إلى مستخدميها.
announcement-reminded = { $n ->
    [0] لم يُذكَّر أحد: من لم يرد ذُكِّر خلال الساعة الماضية.
    [one] ذُكِّرت جمعية واحدة.
    [two] ذُكِّرت جمعيتان.
    [few] ذُكِّرت { $n } جمعيات.
   *[other] ذُكِّرت { $n } جمعية.
}
announcement-answer-saved = حُفظ ردّك ووصل إلى الأمانة الفنية.
announcement-who-answered = من ردّ
announcement-who-read = من أكّد القراءة
announcement-show-late = المتأخرون فقط
announcement-show-all = كل الجمعيات ({ $n })
announcement-acknowledged = أكّد القراءة
announcement-answered = ردّ
announcement-answer = الرد
announcement-late = متأخر
announcement-awaited = لم يرد بعد
announcement-read = أكّدوا القراءة
announcement-reminders = التذكيرات
announcement-none-late = لا أحد متأخر.
announcement-remind-hint = { $n ->
    [one] جمعية واحدة لم ترد بعد.
    [two] جمعيتان لم تردا بعد.
    [few] { $n } جمعيات لم ترد بعد.
   *[other] { $n } جمعية لم ترد بعد.
} التذكير يظهر في صفحتها ويصلها بالبريد، ولا يتكرر لنفس الجمعية خلال ساعة.
announcement-remind = تذكير من لم يرد
announcement-all-done = ردّت كل الجمعيات.
announcement-yours = ردّ جمعيتك
announcement-you-were-reminded = ذكّرتكم الأمانة الفنية في { $at }.
announcement-you-are-late = فات موعد الرد
announcement-to-answer = ينتظر ردّكم
announcement-to-acknowledge = ينتظر تأكيد القراءة
announcement-acknowledge = قرأته
announcement-acknowledged-at = أكّدتم القراءة في { $at }.
announcement-answered-at = أرسلتم ردّكم في { $at }:
announcement-your-answer = ردّكم
announcement-answer-again = تعديل الرد (يحل الرد الجديد محل السابق)
announcement-answer-file = ملف مع الرد (اختياري)
announcement-send-answer = إرسال الرد
announcement-answers-file = الردود
mail-off = البريد الإلكتروني غير مفعّل على هذا الخادم: تظهر التعاميم والطلبات في صفحات الأعضاء فقط.
mail-status = البريد الإلكتروني: { $sent } أُرسلت، { $waiting } في الانتظار، { $failed } تعذر إرسالها.
mail-request = طلب تنسيق من الأمانة الفنية
mail-announcement = تعميم من الأمانة الفنية
mail-reminder = تذكير: طلب ينتظر ردّكم
mail-answer-by = آخر موعد للرد: { $date }.
mail-open = افتح الصفحة للقراءة والرد:
home-requests-awaited = ردود منتظرة على طلبات التنسيق
home-requests-late = ردود متأخرة
home-to-answer = تعاميم وطلبات تنتظر ردّكم
audit-ev-activity-create = سجّل نشاطًا
audit-ev-activity-update = عدّل نشاطًا
audit-ev-activity_type-create = أضاف نوع نشاط
audit-ev-activity_type-update = عدّل نوع نشاط
audit-ev-goal-create = أضاف هدفًا مشتركًا
audit-ev-indicator-create = أضاف مؤشرًا لهدف
audit-ev-indicator_value-create = أدخل قيمة مؤشر
audit-ev-announcement-create = أرسل تعميمًا أو طلب تنسيق
audit-ev-announcement-acknowledge = أكّد قراءة تعميم أو طلب
audit-ev-announcement-answer = ردّ على طلب تنسيق
audit-ev-announcement-update = عدّل الرد على طلب تنسيق
audit-ev-announcement-remind = ذكّر الجمعيات التي لم ترد
entity-activity = نشاط
entity-activity_type = نوع نشاط
entity-goal = هدف
entity-indicator = مؤشر
entity-indicator_value = قيمة مؤشر
entity-announcement = تعميم أو طلب
field-recipients = عدد الجمعيات
field-emails = رسائل البريد
field-characters = عدد الحروف
field-file = الملف
coverage-district-map-title = خريطة المراكز والأقسام حسب نسبة الأسر الأشد احتياجًا التي لم تصلها المساعدة
coverage-district-map-desc = كل مركز أو قسم مسجل فيه مستفيدون ملوّن مثل خريطة المحافظات؛ الرمادي الفاتح بلا مستفيدين مسجلين. اضغط على المركز لرؤية جدول الأماكن.
coverage-district-no-data = لا مستفيدين مسجلين
coverage-district-unplaced = { $n ->
    [0] كل المراكز والأقسام في الجدول ({ $listed }) على الخريطة.
   *[other] { $n } من { $listed } مركزًا وقسمًا في الجدول لم نجد حدودها باسمها كما كتبته الجمعيات؛ أرقامها في الجدول.
}
coverage-credit-districts = حدود المراكز: geoBoundaries (OCHA ROMENA/HDX، الجهاز المركزي للتعبئة العامة والإحصاء)، CC BY 3.0 IGO.
announcement-remind-hint-read = { $n ->
    [one] جمعية واحدة لم تؤكد القراءة بعد.
    [two] جمعيتان لم تؤكدا القراءة بعد.
    [few] { $n } جمعيات لم تؤكد القراءة بعد.
   *[other] { $n } جمعية لم تؤكد القراءة بعد.
} التذكير يظهر في صفحتها ويصلها بالبريد، ولا يتكرر لنفس الجمعية خلال ساعة.
announcement-remind-read = تذكير من لم يؤكد القراءة
announcement-all-read = أكّدت كل الجمعيات القراءة.
announcement-yours-read = تأكيد قراءة جمعيتك
mail-answer-by-passed = فات موعد الرد ({ $date }). نرجو إرسال ردّكم في أقرب وقت.
mail-reminder-announcement = تذكير: تعميم ينتظر تأكيد قراءتكم
mail-open-read = افتح الصفحة للقراءة:
announcement-answered-col = تاريخ الرد
announcement-answered-late = بعد الموعد

## The resource pool (issue 15)
nav-pool = حوكمة الموارد
pool-title = حوكمة الموارد
pool-hint = يعرض الأعضاء ما لديهم من موارد، ويُنشر ما يحتاجه الناس، وتوزّع الأمانة الفنية العروض على الأشد احتياجًا بقواعد معلنة.
pool-offers = العروض
pool-needs = الاحتياجات
pool-offer-new = عرض موارد
pool-need-new = نشر احتياج
pool-offers-hint-secretariat = عروض كل الأعضاء.
pool-offers-hint-member = عروض مؤسستك. يمكنك إنقاص عرض أو سحبه ما لم يُوزّع في توزيع منشور.
pool-needs-hint-secretariat = احتياجات كل الأعضاء والأمانة، الأشد احتياجًا أولًا.
pool-needs-hint-member = الاحتياجات التي نشرتها مؤسستك.
pool-offers-empty = لا توجد عروض بعد.
pool-needs-empty = لا توجد احتياجات بعد.
pool-offer-form-hint = ما تعرضه مؤسستك للتوزيع على الأشد احتياجًا: النوع والكمية والمكان وإلى أي مدى يمكن نقله.
pool-need-form-hint = احتياج لم يُلبَّ: النوع والكمية والمكان ومدى شدته.
pool-quantity = الكمية
pool-unit = الوحدة
pool-unit-example = مثال: بطانية، كرتونة، ساعة
pool-district = المركز
pool-district-hint = اكتب المركز كما تكتبه عادة؛ يُقارن بعد توحيد الكتابة (م/ملوي = مركز ملوى).
pool-reach = المدى
pool-reach-district = المركز
pool-reach-district-hint = يُسلَّم داخل مركزه فقط
pool-reach-governorate = المحافظة
pool-reach-governorate-hint = يُنقل إلى أي مركز في محافظته
pool-reach-national = الجمهورية
pool-reach-national-hint = يُنقل إلى أي محافظة
pool-available-from = متاح من
pool-available-until = متاح حتى
pool-conditions = شروط (اختياري)
pool-offer-save = حفظ العرض
pool-need-save = نشر الاحتياج
pool-priority = الأولوية
pool-priority-hint = من 1 (أقل احتياجًا) إلى 100 (أشد احتياجًا).
pool-note = ملاحظة (اختياري)
pool-note-hint = لا تكتب هنا أسماء أو أرقامًا قومية: الاحتياج يراه آخرون.
pool-committed = موزّع
pool-place = المكان
pool-member = العضو
pool-posted-by = نشره
pool-change = تغيير
pool-reduce = إنقاص
pool-reduce-to = الكمية الجديدة
pool-withdraw = سحب
pool-offer-status-open = قائم
pool-offer-status-withdrawn = مسحوب
pool-run-new = تشغيل توزيع
pool-rules = القواعد: العرض يخدم احتياجًا من نوعه فقط وفي مداه. كل وحدة تُحسب بأولوية الاحتياج ناقص تكلفة النقل: 0 داخل المركز، 1 داخل المحافظة، 3 بين المحافظات. يُختار التوزيع الذي يعطي أعلى مجموع؛ ولا تُنقل وحدة لا تزيد المجموع.
pool-run-kinds = الأنواع
pool-run-governorates = محافظات الاحتياجات
pool-run-all-if-none = إن لم تختر شيئًا يُوزَّع الكل.
pool-run-button = احسب التوزيع الأمثل
pool-deliver-by = التسليم قبل
pool-runs = التوزيعات
pool-runs-empty = لم يُشغَّل توزيع بعد.
pool-run = توزيع
pool-run-status-proposal = مقترح
pool-run-status-published = منشور
pool-run-status-superseded = حلّ محله أحدث
pool-all = الكل
pool-units-offered = الوحدات المعروضة
pool-units-needed = الوحدات المطلوبة
pool-units-allocated = الوحدات الموزعة
pool-units-unmet = وحدات لم تُلبَّ
pool-score = مجموع النقاط
pool-publish = نشر التوزيع
pool-publish-hint = بعد النشر يرى كل عضو ما عليه تسليمه فيقبله أو يعتذر عنه.
pool-choices = التثبيتات والاستبعادات
pool-pinned-pair = العرض #{ $offer } ← الاحتياج #{ $need }: { $n } وحدة على الأقل
pool-excluded-pair = العرض #{ $offer } ← الاحتياج #{ $need }: مستبعد
pool-clear-choice = إلغاء
pool-proposal = المقترح
pool-proposal-empty = لا يوجد ما يُوزّع: لا عرض يصل إلى احتياج من نوعه.
pool-offer = العرض
pool-need = الاحتياج
pool-transport-cost = تكلفة النقل
pool-unit-score = نقاط الوحدة
pool-why-no-more = لماذا لم يذهب أكثر؟
pool-limit-need_met = لُبّي الاحتياج كله
pool-limit-offer_spent = وُزّع العرض كله
pool-limit-pinned = ثبّتته الأمانة
pool-pinned = مثبّت
pool-pin = تثبيت
pool-exclude = استبعاد
pool-unmet = ما لم يُلبَّ
pool-all-met = لُبّيت كل الاحتياجات.
pool-to-deliver = ما عليكم تسليمه
pool-to-deliver-empty = لا شيء عليكم تسليمه الآن.
pool-to-receive = ما ستتلقونه
pool-to-receive-empty = لا شيء خُصّص لاحتياجاتكم بعد.
pool-to = إلى
pool-from = من
pool-answer = ردّكم
pool-accept = قبول
pool-decline = اعتذار
pool-status-proposed = مقترح
pool-status-published = بانتظار ردّكم
pool-status-accepted = مقبول
pool-status-declined = معتذر عنه
entity-pool_offer = عرض موارد
entity-pool_need = احتياج
entity-pool_run = توزيع موارد
entity-pool_allocation = تخصيص من توزيع
audit-ev-pool_offer-create = عرض موارد
audit-ev-pool_offer-reduce = أنقص عرضًا
audit-ev-pool_offer-withdraw = سحب عرضًا
audit-ev-pool_need-create = نشر احتياجًا
audit-ev-pool_need-withdraw = سحب احتياجًا
audit-ev-pool_run-create = شغّل توزيعًا
audit-ev-pool_run-publish = نشر توزيعًا
audit-ev-pool_allocation-accept = قبل تخصيصًا
audit-ev-pool_allocation-decline = اعتذر عن تخصيص
pool-delivered = سُلّم
pool-delivered-of = سُلّم { $done } من { $n }
pool-overdue = تأخر التسليم
pool-deliver = تسجيل التسليم
pool-deliver-save = سجّل التسليم
pool-deliver-hint = اكتب الأسر التي سلّمتها: في كل سطر رقم الأسرة في كشفكم (رقم السجل كما في كشفكم)، وبعد فاصلة عدد الوحدات إن كان أكثر من واحدة. يُسجَّل لكل أسرة قيد في سجل المساعدات وتظهر تحذيرات التكرار كما في أي تسجيل.
pool-deliver-registry-hint = هذه أسرة من السجل الموحد؛ تعطيكم الأمانة الفنية بيانات التواصل معها. يُسجَّل التسليم قيدًا في سجل المساعدات باسم مؤسستكم.
pool-deliver-households = الأسر التي سُلّمت
pool-deliver-households-hint = مثال: R-0012 أو R-0012,2 — أسرة في كل سطر، حتى 500 سطر، كلها في محافظة الاحتياج.
pool-delivery-recorded = سُجّل { $n } قيد في سجل المساعدات.
pool-delivered-all = سُلّم التخصيص كله.
pool-registry-household = أسرة من السجل الموحد
pool-from-registry = من السجل الموحد، سجّلها: { $member }
pool-draw = سحب احتياجات من السجل الموحد
pool-draw-hint = تصبح الأسر الأشد احتياجًا في المكان — بدرجة الأولوية في السجل — احتياجات لهذا النوع، إلا من تلقى هذا النوع خلال مدة قاعدة التكرار أو كان احتياجًا قائمًا له. الأولوية ترتيب الأسرة في السجل كله: 100 للأشد احتياجًا.
pool-draw-district-hint = اتركه فارغًا للمحافظة كلها.
pool-draw-households = عدد الأسر (حد أقصى)
pool-draw-households-hint = من 1 إلى { $n }.
pool-draw-quantity = وحدات لكل أسرة
pool-draw-button = اسحب الاحتياجات
pool-drawn = سُحب { $n } احتياج من السجل. استُبعدت { $assisted } أسرة تلقت هذا النوع خلال مدة القاعدة، و{ $twice } أسرة احتياجها قائم بالفعل.
audit-ev-pool_need-draw = سحب احتياجات من السجل الموحد
audit-ev-pool_allocation-deliver = سجّل تسليم تخصيص
pool-summary = الموارد حسب النوع والمكان
pool-summary-hint-secretariat = العروض والاحتياجات القائمة لكل الأعضاء، وما خُصّص وسُلّم منها في التوزيعات المنشورة، وما لم يُلبَّ.
pool-summary-hint-member = عروض مؤسستك واحتياجاتها القائمة، وما خُصّص وسُلّم منها، وما لم يُلبَّ.
pool-summary-kind = النوع
pool-summary-offers = العروض
pool-summary-needs = الاحتياجات
pool-summary-empty = لا عروض ولا احتياجات قائمة.
pool-run-replaced = حلّ محل هذا المقترح توزيع أحدث:
pool-published-pairs = التوزيع المنشور
pool-pin-hint = «تثبيت» يُبقي هذا الزوج بكميته في التشغيل التالي مهما تغيّر غيره؛ «استبعاد» يمنعه. كلاهما يعيد حساب التوزيع فورًا ويحفظ مقترحًا جديدًا.
pool-status-published-theirs = بانتظار ردّ العضو المانح
pool-decline-hint = الاعتذار نهائي: تعود الكمية إلى الأمانة لتوزيع جديد.
pool-bad-line = (السطر { $line })
pool-pages-of-offers = الصفحات تُعدّ بالعروض: في كل صفحة 25 عرضًا بكل ما يخدمه كل منها.

## The knowledge library
nav-library = المكتبة
library-title = مكتبة المعرفة
library-hint = أدلة وتقارير ومواد تدريب ونماذج يشاركها الأعضاء والأمانة الفنية. ابحث بالكلمات كما تكتبها: بهمزة أو بدونها، بالتاء المربوطة أو بالهاء، بالمفرد أو بالجمع مثل المعلم والمعلمين والمعلمات.
library-public-link = ما يراه الجميع في المكتبة العامة
library-public-title = المكتبة العامة
library-public-hint = وثائق التحالف المتاحة للجميع، دون تسجيل دخول.
library-search-label = ابحث في المكتبة
library-search-example = مثال: تدريب المعلمين في أسوان
library-search-hint = تظهر أولًا الوثائق التي فيها كلماتك متتالية كما كتبتها. ضع عبارة بين علامتي تنصيص "…" لتكون شرطًا.
library-search = بحث
library-added-by = أضافها
library-file-type = نوع الملف
library-access = من يطّلع عليها
library-tag = وسم
library-language = لغة الوثيقة
library-no-words = ليس في بحثك كلمة يُبحث بها (علامات الترقيم وحروف الجر وحدها لا تكفي). هذه أحدث الوثائق.
library-some-words = لا توجد وثيقة فيها كل كلماتك؛ هذه وثائق فيها بعضها.
library-found = { $n ->
    [one] وُجدت وثيقة واحدة.
    [two] وُجدت وثيقتان.
    [few] وُجدت { $n } وثائق.
   *[other] وُجدت { $n } وثيقة.
}
library-count = { $n ->
    [one] في المكتبة وثيقة واحدة، الأحدث أولًا.
    [two] في المكتبة وثيقتان، الأحدث أولًا.
    [few] في المكتبة { $n } وثائق، الأحدث أولًا.
   *[other] في المكتبة { $n } وثيقة، الأحدث أولًا.
}
library-exact-phrase = العبارة كما كتبتها
library-version-n = الإصدار { $n }
library-nothing-found = لم نجد وثيقة بهذه الكلمات. جرّب كلمة أقل أو أزل أحد الاختيارات.
library-empty = لا توجد وثائق بعد.
library-access-public = للجميع
library-access-members = للأعضاء
library-access-secretariat = خاصة: لنا وللأمانة الفنية
library-access-public-hint = يراها أي شخص، ومنها المكتبة العامة دون تسجيل دخول.
library-access-members-hint = يراها كل مستخدمي التحالف بعد تسجيل الدخول.
library-access-secretariat-hint = تراها الأمانة الفنية والجهة التي أضافتها فقط.
library-language-ar = العربية
library-language-en = الإنجليزية
library-language-both = العربية والإنجليزية
library-language-auto = تُعرف تلقائيًا
library-language-hint = اتركها «تُعرف تلقائيًا» فتُعرف من نص الملف.
library-title-hint = إن تركته فارغًا صار اسم الملف عنوانًا.
library-summary = نبذة
library-tags = وسوم
library-tags-hint = كلمات تصف الوثيقة تفصلها فاصلة، مثل: تدريب، صحة الأم، ورشة أسوان.
library-none = دون مجال
library-all-governorates = كل المحافظات
library-add = إضافة وثيقة
library-add-hint = يُستخرج نص الملف عند رفعه ليُبحث فيه. ملفات PDF الممسوحة ضوئيًا بلا نص يُبحث فيها بعنوانها ونبذتها ووسومها فقط.
library-file = الملف
library-file-hint = { $types }، حتى { $mb } ميجابايت.
library-for-member = الجهة صاحبة الوثيقة
library-add-button = إضافة إلى المكتبة
library-edit = تعديل البيانات
library-back-to-results = العودة إلى نتائج البحث
library-added = أُضيفت الوثيقة إلى المكتبة.
library-updated = حُفظت بيانات الوثيقة.
library-version-added = رُفع الإصدار { $n }. الإصدارات السابقة محفوظة أدناه.
library-download-short = تنزيل
library-kb = { $n } ك.ب
library-updated-on = آخر تحديث
library-versions = الإصدارات
library-version = الإصدار
library-note = ما الذي تغيّر
library-uploaded = رُفع في
library-current = الحالي
library-new-version = رفع إصدار جديد
library-new-version-hint = يصبح الإصدار الجديد هو المعروض والمبحوث فيه، ويبقى القديم للتنزيل. حتى { $mb } ميجابايت.
library-upload-version = رفع الإصدار
library-remove-confirm = الحذف يُخرج الوثيقة من المكتبة والبحث، ويبقى أثرها في سجل التدقيق.
library-remove = حذف من المكتبة
library-remove-check = نعم، احذف هذه الوثيقة من المكتبة
library-removed = حُذفت الوثيقة من المكتبة.
library-more-filters = تضييق البحث: المجال، المحافظة، الجهة، اللغة…
entity-library_document = وثيقة في المكتبة
audit-ev-library_document-create = أضاف وثيقة إلى المكتبة
audit-ev-library_document-add_version = رفع إصدارًا جديدًا من وثيقة
audit-ev-library_document-update = عدّل بيانات وثيقة
audit-ev-library_document-remove = حذف وثيقة من المكتبة
