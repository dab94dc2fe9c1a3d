"""The demo newsroom's stories, in both languages, told from the source article (the regent's
"super team" rakor of 4–6 January, the health cluster's "jemput bola" outreach, the photos
from the Pustu in Genteng, villages competing in innovation) and the regency's known
innovations (Smart Kampung, e-village budgeting). People named here are fictional except
where the source article names the regent.

Each story: slug, days before today it was published (negative: scheduled), cluster codes,
kecamatan names, tags, the cover's colour, and the text per language ("" = not translated).
"""

STORIES = [
    {
        "slug": "banyuwangi-butuh-super-team-bukan-superman",
        "days_ago": 12,
        "clusters": [],
        "kecamatan": [],
        "tags": ["super team", "reformasi birokrasi"],
        "colour": (11, 93, 80),
        "id": {
            "title": "Bupati: Banyuwangi Butuh Super Team, Bukan Superman",
            "summary": "Bupati mengingatkan jajaran birokrasi untuk memperkuat soliditas dan budaya inovasi: pembangunan adalah lari maraton, bukan lari cepat.",
            "body": "Bupati Banyuwangi mengingatkan seluruh jajaran birokrasi untuk meningkatkan soliditas dan budaya inovasi dalam bekerja.\n\n> Birokrasi ini kunci program pembangunan. Tidak bisa *one man show*. Kita tidak butuh superman, tapi **super team**.\n\nMenurut Bupati, membenahi daerah bukan seperti lari sprint, melainkan lari maraton. Karena itu dibutuhkan kerja sama banyak pihak dan perubahan birokrasi, bukan sekadar aksi kepala daerah seorang diri.\n\n## Inovasi harus membudaya\nInovasi harus terus berlangsung siapa pun pimpinannya. Caranya: seluruh jajaran perangkat daerah membahas program dan target secara bersama-sama.",
            "alt": "Jajaran birokrasi mengikuti arahan Bupati di pendopo",
        },
        "en": {
            "title": "Regent: Banyuwangi Needs a Super Team, Not a Superman",
            "summary": "The regent urges the civil service to work as one and make innovation a habit: development is a marathon, not a sprint.",
            "body": "The Regent of Banyuwangi has urged the whole civil service to strengthen its cohesion and its culture of innovation.\n\n> The bureaucracy is the key to development. It cannot be a *one man show*. We don't need a superman, we need a **super team**.\n\nImproving the region, the regent said, is not a sprint but a marathon. It takes many people working together and a change in the bureaucracy, not the regional head acting alone.\n\n## Innovation as a habit\nInnovation must go on whoever leads. The way there: every agency discusses its programmes and targets together.",
            "alt": "Civil servants listening to the regent at the pendopo",
        },
    },
    {
        "slug": "rakor-klaster-kesehatan-libatkan-kabid-hingga-staf",
        "days_ago": 11,
        "clusters": ["kesehatan"],
        "kecamatan": [],
        "tags": ["rakor"],
        "colour": (29, 79, 145),
        "id": {
            "title": "Rakor Klaster Kesehatan Libatkan Kabid hingga Staf",
            "summary": "Dinas Kesehatan, RSUD, puskesmas dan Dinas Sosial duduk bersama dalam rakor klaster kesehatan selama tiga hari, 4–6 Januari.",
            "body": "Rapat koordinasi klaster kesehatan digelar pada 4 sampai 6 Januari. Rakor ini melibatkan Dinas Kesehatan, RSUD Blambangan, RSUD Genteng, seluruh puskesmas dan Dinas Sosial.\n\nTidak hanya kepala dinas atau direktur RSUD yang hadir. Kepala bidang dan kepala seksi juga ikut, dengan jadwal yang disesuaikan agar pelayanan kepada masyarakat tetap berjalan.\n\n- Setiap kepala bidang dan kepala seksi mempresentasikan programnya.\n- Jadwal sesi disusun agar puskesmas tetap buka.\n- Semua target dibahas bersama.",
            "alt": "Peserta rakor klaster kesehatan di ruang pertemuan",
        },
        "en": {
            "title": "Health Cluster Meeting Brings in Heads of Division Down to Staff",
            "summary": "The health office, the regional hospitals, the health centres and the social affairs office met for three days, 4–6 January.",
            "body": "The health cluster's coordination meeting ran from 4 to 6 January, bringing together the health office, the Blambangan and Genteng regional hospitals, every health centre and the social affairs office.\n\nAgency heads and hospital directors were not the only ones there. Heads of division and heads of section took part too, on a schedule that kept public services running.\n\n- Every head of division and of section presented their programme.\n- Sessions were timed so that health centres stayed open.\n- All targets were discussed together.",
            "alt": "Participants of the health cluster meeting",
        },
    },
    {
        "slug": "semua-target-rakor-ditandatangani-bersama",
        "days_ago": 10,
        "clusters": [],
        "kecamatan": [],
        "tags": ["target", "rakor"],
        "colour": (138, 90, 0),
        "id": {
            "title": "Semua Target Rakor Ditandatangani Bersama",
            "summary": "Usai rakor, setiap target diberi tenggat yang terukur dan ditandatangani bersama oleh semua pihak.",
            "body": "Setelah rapat koordinasi, semua target ditandatangani bersama dengan waktu yang terukur. Langkah ini untuk menyelaraskan gerak menghadapi tantangan yang semakin dinamis.\n\n> Semua kepala seksi dan kepala bidang ikut presentasi, artinya dia memahami programnya.\n\nDengan begitu, inovasi tidak bergantung pada siapa kepala dinasnya, tetapi menjadi kewajiban untuk meningkatkan kinerja birokrasi.",
            "alt": "Penandatanganan target bersama",
        },
        "en": {
            "title": "All Targets From the Coordination Meetings Signed Jointly",
            "summary": "After the meetings, every target got a measurable deadline and was signed by all parties together.",
            "body": "After the coordination meetings, all targets were signed together, each with a measurable deadline, to keep everyone moving in step as challenges change.\n\n> Every head of section and head of division presented, which means they understand their programme.\n\nInnovation therefore does not depend on who heads the agency: it becomes a duty for better performance.",
            "alt": "Targets being signed jointly",
        },
    },
    {
        "slug": "puskesmas-jemput-bola-pantau-kesehatan-lansia",
        "days_ago": 9,
        "clusters": ["kesehatan"],
        "kecamatan": ["Genteng"],
        "tags": ["jemput bola", "lansia"],
        "colour": (23, 105, 58),
        "id": {
            "title": "Puskesmas Jemput Bola Pantau Kesehatan Lansia",
            "summary": "Hasil rakor kesehatan langsung dijalankan keesokan harinya: petugas puskesmas mendatangi warga lanjut usia di rumah.",
            "body": "Rakor klaster kesehatan menekankan inovasi puskesmas untuk **jemput bola**: petugas mendatangi orang tua di rumah untuk dipantau kesehatannya. Sehari setelah rakor, gerakan ini sudah berjalan.\n\nPetugas memeriksa tekanan darah, gula darah dan kondisi umum, lalu mencatat hasilnya.\n\n## Langsung dijalankan\nBeberapa puskesmas langsung mengirim foto kegiatan, misalnya Puskesmas Pembantu di Kecamatan Genteng.",
            "alt": "Petugas puskesmas memeriksa tekanan darah warga lansia di rumahnya",
        },
        "en": {
            "title": "Health Centres Go Out to Check on Elderly Residents",
            "summary": "The health meeting's decision was running the next day: health-centre staff now visit elderly residents at home.",
            "body": "The health cluster meeting called on health centres to take the service to people (**jemput bola**): staff visit elderly residents at home to monitor their health. The day after the meeting, it was already running.\n\nStaff check blood pressure, blood sugar and general condition, and record the results.\n\n## Put into action at once\nSeveral health centres sent photos straight away, among them the auxiliary health post in Genteng district.",
            "alt": "A health-centre nurse checks an elderly resident's blood pressure at home",
        },
    },
    {
        "slug": "pustu-genteng-wetan-kirim-foto-kunjungan-lansia",
        "days_ago": 8,
        "clusters": ["kesehatan"],
        "kecamatan": ["Genteng"],
        "tags": ["jemput bola", "laporan harian"],
        "colour": (164, 22, 26),
        "id": {
            "title": "Pustu Genteng Wetan Kirim Foto Kunjungan Lansia",
            "summary": "Puskesmas Pembantu Genteng Wetan melaporkan kunjungan rumah pertama lengkap dengan foto, sehari setelah rakor.",
            "body": "Puskesmas Pembantu (Pustu) Genteng Wetan, di bawah Puskesmas Genteng Kulon, menjadi salah satu yang pertama melaporkan kegiatan jemput bola.\n\nLaporan harian dikirim lengkap dengan foto sebagai bukti. Foto diperiksa waktu dan tempatnya sebelum masuk ke laporan Bupati.",
            "alt": "Perawat Pustu Genteng Wetan berfoto bersama warga lansia",
        },
        "en": {
            "title": "Genteng Wetan Health Post Sends Photos of Home Visits",
            "summary": "The Genteng Wetan auxiliary health post reported its first home visits with photos, one day after the meeting.",
            "body": "The Genteng Wetan auxiliary health post (pustu), part of the Genteng Kulon health centre, was among the first to report on the outreach.\n\nIts daily report came with photos as evidence. Photos are checked for time and place before they reach the regent's report.",
            "alt": "The Genteng Wetan post's nurse with an elderly resident",
        },
    },
    {
        "slug": "smart-kampung-layanan-desa-kini-digital",
        "days_ago": 7,
        "clusters": ["pemerintahan-desa"],
        "kecamatan": [],
        "tags": ["smart kampung", "desa digital"],
        "colour": (7, 68, 58),
        "id": {
            "title": "Smart Kampung: Layanan Desa Kini Digital",
            "summary": "Warga mengurus surat dan layanan administrasi langsung di kantor desa, tanpa harus ke kota.",
            "body": "Program **Smart Kampung** membawa layanan digital ke kantor desa. Warga dapat mengurus berbagai surat dan layanan administrasi kependudukan di desanya sendiri.\n\n- Pengurusan dokumen kependudukan dari desa\n- Informasi layanan publik yang terbuka\n- Jaringan internet di kantor desa",
            "alt": "Warga dilayani petugas desa di depan komputer",
        },
        "en": {
            "title": "Smart Kampung: Village Services Go Digital",
            "summary": "Residents apply for letters and civil-registration services at their village office instead of travelling to town.",
            "body": "The **Smart Kampung** programme brings digital services to village offices. Residents can apply for letters and civil-registration services in their own village.\n\n- Civil-registration documents handled from the village\n- Open information on public services\n- Internet access at the village office",
            "alt": "A village officer serves a resident at a computer",
        },
    },
    {
        "slug": "desa-dan-skpd-berlomba-berinovasi",
        "days_ago": 6,
        "clusters": [],
        "kecamatan": [],
        "tags": ["kompetisi inovasi"],
        "colour": (242, 183, 5),
        "id": {
            "title": "Desa dan SKPD Berlomba Berinovasi",
            "summary": "Dalam dua tahun terakhir, perangkat daerah hingga desa seakan berkompetisi dalam inovasi.",
            "body": "Pelibatan semua jajaran birokrasi membuat perangkat daerah hingga desa seakan berkompetisi dalam inovasi.\n\n> Semua jajaran bersaing, tapi bersaing dalam konteks yang bagus, yaitu inovasi.\n\nIndeks inovasi per unit kini menilai setiap inovasi yang terbukti, sehingga setiap dinas, rumah sakit, puskesmas, kecamatan dan desa dapat melihat posisinya.",
            "alt": "Papan peringkat inovasi perangkat daerah",
        },
        "en": {
            "title": "Villages and Agencies Compete in Innovation",
            "summary": "Over the past two years, agencies and villages alike have been competing in innovation.",
            "body": "Involving every level of the civil service has turned agencies and villages into competitors in innovation.\n\n> Everyone competes, but in a good way: in innovation.\n\nAn innovation index per unit now scores every verified innovation, so each agency, hospital, health centre, district and village can see where it stands.",
            "alt": "The agencies' innovation leaderboard",
        },
    },
    {
        "slug": "laporan-harian-inovasi-langsung-ke-bupati",
        "days_ago": 5,
        "clusters": [],
        "kecamatan": [],
        "tags": ["laporan harian"],
        "colour": (80, 90, 102),
        "id": {
            "title": "Laporan Harian Inovasi Langsung ke Bupati",
            "summary": "Setiap hari Bupati menerima laporan program inovasi yang dijalankan masing-masing instansi.",
            "body": "Setiap hari Bupati mendapat laporan program inovasi dari setiap instansi. Laporan dilengkapi foto kegiatan dan dirangkum dalam ringkasan harian: siapa yang melapor, sorotan, dan unit yang belum melapor.",
            "alt": "Ringkasan laporan harian di layar ponsel",
        },
        "en": {
            "title": "Daily Innovation Reports Go Straight to the Regent",
            "summary": "Every day the regent receives reports on the innovation programmes each institution runs.",
            "body": "Every day the regent receives reports on the innovation programmes of each institution. Reports come with photos and are summed up in a daily digest: who reported, highlights, and which units stayed silent.",
            "alt": "The daily report digest on a phone screen",
        },
    },
    {
        "slug": "e-village-budgeting-anggaran-desa-lebih-terbuka",
        "days_ago": 4,
        "clusters": ["pemerintahan-desa"],
        "kecamatan": [],
        "tags": ["desa digital"],
        "colour": (29, 79, 145),
        "id": {
            "title": "E-Village Budgeting: Anggaran Desa Lebih Terbuka",
            "summary": "Perencanaan dan penggunaan anggaran desa disusun secara elektronik sehingga mudah diawasi.",
            "body": "Dengan **e-village budgeting**, desa menyusun perencanaan dan penganggaran secara elektronik. Pemerintah kabupaten dan warga dapat memantau penggunaan anggaran desa dengan lebih mudah.",
            "alt": "Perangkat desa menyusun anggaran di laptop",
        },
        "en": {
            "title": "E-Village Budgeting Opens Up Village Budgets",
            "summary": "Villages plan and track their budgets electronically, which makes them easy to oversee.",
            "body": "With **e-village budgeting**, villages plan and budget electronically. The regency government and residents can follow how village funds are used much more easily.",
            "alt": "Village officials preparing the budget on a laptop",
        },
    },
    {
        "slug": "rakor-klaster-pendidikan-bahas-target-tahun-ini",
        "days_ago": 3,
        "clusters": ["pendidikan"],
        "kecamatan": [],
        "tags": ["rakor"],
        "colour": (138, 90, 0),
        "id": {
            "title": "Rakor Klaster Pendidikan Bahas Target Tahun Ini",
            "summary": "Dinas Pendidikan, Dinas Perpustakaan dan Dispora menyepakati target bersama untuk tahun ini.",
            "body": "Klaster pendidikan menggelar rakor dengan melibatkan Dinas Pendidikan, Dinas Perpustakaan dan Kearsipan, serta Dinas Pemuda dan Olahraga.\n\nSetiap kepala bidang memaparkan programnya, lalu target tahun ini disepakati dan ditandatangani bersama.",
            "alt": "Rakor klaster pendidikan",
        },
        # Not yet translated: the English portal shows it in Bahasa Indonesia, with a notice.
        "en": {"title": "", "summary": "", "body": "", "alt": ""},
    },
    {
        "slug": "rsud-genteng-dan-puskesmas-sepakati-rujukan-terpadu",
        "days_ago": 2,
        "clusters": ["kesehatan"],
        "kecamatan": ["Genteng"],
        "tags": ["rujukan"],
        "colour": (23, 105, 58),
        "id": {
            "title": "RSUD Genteng dan Puskesmas Sepakati Rujukan Terpadu",
            "summary": "Rumah sakit dan puskesmas di wilayah selatan menyepakati alur rujukan yang lebih cepat bagi pasien lansia.",
            "body": "RSUD Genteng dan puskesmas di sekitarnya menyepakati alur rujukan terpadu. Pasien lansia yang ditemukan saat kunjungan rumah dapat dirujuk lebih cepat.\n\n1. Petugas puskesmas mencatat hasil pemeriksaan.\n2. Kasus yang perlu ditangani dirujuk ke RSUD.\n3. RSUD mengabarkan hasilnya kembali ke puskesmas.",
            "alt": "Ambulans RSUD Genteng",
        },
        "en": {
            "title": "Genteng Hospital and Health Centres Agree on Joint Referrals",
            "summary": "The hospital and the health centres in the south agree on a faster referral path for elderly patients.",
            "body": "Genteng regional hospital and the health centres around it have agreed on a joint referral path, so elderly patients found during home visits are referred faster.\n\n1. Health-centre staff record the check-up.\n2. Cases that need treatment are referred to the hospital.\n3. The hospital reports back to the health centre.",
            "alt": "An ambulance of Genteng regional hospital",
        },
    },
    {
        "slug": "inovasi-jalan-terus-siapa-pun-pimpinannya",
        "days_ago": 1,
        "clusters": [],
        "kecamatan": [],
        "tags": ["super team", "reformasi birokrasi"],
        "colour": (11, 93, 80),
        "id": {
            "title": "Inovasi Jalan Terus, Siapa Pun Pimpinannya",
            "summary": "Inovasi dimiliki unit dan jabatan, bukan orang: saat pimpinan berganti, inovasi tetap berjalan.",
            "body": "Dengan memberi ruang inovasi hingga ke level staf, reformasi birokrasi diharapkan berjalan berkelanjutan, tidak hanya sesaat bergantung pada siapa yang menjadi pimpinan.\n\n> Staf di bawah senang sekali bisa membahas program dan target bersama kepala daerah. Ini memacu semangat mereka.",
            "alt": "Staf puskesmas berdiskusi tentang program inovasi",
        },
        "en": {
            "title": "Innovation Goes On, Whoever Leads",
            "summary": "Innovations belong to units and positions, not people: when leaders change, they keep running.",
            "body": "By giving staff at every level room to innovate, bureaucratic reform is meant to last, not to depend on who happens to be in charge.\n\n> Staff are delighted to discuss programmes and targets with the regent. It spurs them on.",
            "alt": "Health-centre staff discussing an innovation programme",
        },
    },
    {
        "slug": "jemput-bola-diperluas-ke-seluruh-kecamatan",
        "days_ago": -2,  # scheduled: appears in two days
        "clusters": ["kesehatan"],
        "kecamatan": [],
        "tags": ["jemput bola", "lansia"],
        "colour": (23, 105, 58),
        "id": {
            "title": "Jemput Bola Diperluas ke Seluruh Kecamatan",
            "summary": "Setelah berjalan di Genteng, kunjungan rumah bagi lansia diperluas ke seluruh 25 kecamatan.",
            "body": "Kunjungan rumah bagi warga lanjut usia akan dijalankan oleh seluruh puskesmas di 25 kecamatan.",
            "alt": "Petugas puskesmas berangkat kunjungan rumah",
        },
        "en": {
            "title": "Home Visits for the Elderly Extended to Every District",
            "summary": "After Genteng, home visits for elderly residents now cover all 25 districts.",
            "body": "Every health centre in the 25 districts will run home visits for elderly residents.",
            "alt": "Health-centre staff leaving for home visits",
        },
    },
]

# Still in review: visible only in the newsroom.
IN_REVIEW = {
    "slug": "festival-inovasi-desa-segera-digelar",
    "clusters": ["pemerintahan-desa"],
    "tags": ["kompetisi inovasi"],
    "colour": (242, 183, 5),
    "id": {
        "title": "Festival Inovasi Desa Segera Digelar",
        "summary": "Desa-desa akan memamerkan inovasi terbaiknya.",
        "body": "Desa-desa se-Kabupaten akan memamerkan inovasi terbaiknya dalam festival inovasi desa.",
        "alt": "",
    },
    "en": {"title": "", "summary": "", "body": "", "alt": ""},
}
