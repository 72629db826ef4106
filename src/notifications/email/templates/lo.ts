import type { EmailTemplates } from './template-types.js';

/** ພາສາລາວ. ມີແຕ່ເລກກໍລະນີ, ລະຫັດ ແລະ ວັນທີ: ບໍ່ມີຊື່ ຫຼື ຂໍ້ມູນສ່ວນຕົວ. */
export const LO: EmailTemplates = {
  footer:
    'ຂໍ້ຄວາມນີ້ບໍ່ມີຊື່ ຫຼື ຂໍ້ມູນສ່ວນຕົວ: ກະລຸນາເປີດລະບົບເພື່ອເບິ່ງຂໍ້ມູນ.\n' +
    'ທ່ານໄດ້ຮັບຂໍ້ຄວາມນີ້ຕາມການຕັ້ງຄ່າການແຈ້ງເຕືອນຂອງທ່ານ (GET /me/notification-preferences).',
  link: 'ເປີດ: {{url}}',
  test: {
    subject: 'CTCM: ຂໍ້ຄວາມທົດສອບ',
    body: 'ຂໍ້ຄວາມທົດສອບນີ້ຢືນຢັນວ່າ CTCM ສາມາດສົ່ງອີເມວຫາທ່ານໄດ້.',
  },
  digest: {
    subject: 'CTCM ສະຫຼຸບປະຈຳວັນ {{date}}: {{total}} ວຽກທີ່ຕ້ອງເຮັດ',
    intro: 'ວຽກທີ່ລໍຖ້າທ່ານ ຫຼື ອົງການຂອງທ່ານ ວັນທີ {{date}}:',
    more: '... ແລະ ອີກ {{count}} ລາຍການໃນລະບົບ.',
    sections: {
      referrals_to_answer: {
        heading: 'ການສົ່ງຕໍ່ທີ່ລໍຖ້າຕອບ: {{count}}',
        line: '{{caseNumber}}: ຕອບການສົ່ງຕໍ່ {{urgency}} ({{purpose}}) ກ່ອນ {{dueBy}}',
      },
      closures_to_approve: {
        heading: 'ການປິດກໍລະນີທີ່ລໍຖ້າອະນຸມັດ: {{count}}',
        line: '{{caseNumber}}: ພິຈາລະນາຄຳຮ້ອງປິດກໍລະນີ ({{reason}})',
      },
      identifications_to_decide: {
        heading: 'ການກຳນົດຕົວຜູ້ຖືກເຄາະຮ້າຍທີ່ລໍຖ້າຕັດສິນ: {{count}}',
        line: 'ການສຳພາດຄັດກອງ {{screeningId}}: ຕັດສິນການກຳນົດຕົວ ({{suggestedOutcome}})',
      },
      follow_ups_overdue: {
        heading: 'ການຕິດຕາມທີ່ກາຍກຳນົດ: {{count}}',
        line: '{{caseNumber}}: ກຳນົດຢ້ຽມຢາມ {{dueOn}}, ກາຍມາແລ້ວ {{daysOverdue}} ວັນ',
      },
      follow_ups_due_this_week: {
        heading: 'ການຕິດຕາມທີ່ຮອດກຳນົດໃນອາທິດນີ້: {{count}}',
        line: '{{caseNumber}}: ກຳນົດຢ້ຽມຢາມ {{dueOn}}',
      },
      returnees_expected: {
        heading: 'ຜູ້ກັບຄືນທີ່ກຳລັງລໍຖ້າ: {{count}}',
        line: 'ແຈ້ງການ {{noticeId}}: ລໍຖ້າ {{arrivalsExpected}} ຄົນ ວັນທີ {{expectedOn}} ທີ່ {{borderCrossingCode}}',
      },
    },
  },
  alert: {
    subject: 'CTCM {{caseNumber}}: {{action}}',
    subjectWithoutCase: 'CTCM: {{action}}',
    intro: '{{action}}.',
    kinds: {
      referral_received: 'ໄດ້ຮັບການສົ່ງຕໍ່ ({{urgency}}), ຕອບກ່ອນ {{dueBy}}',
      referral_accepted: 'ການສົ່ງຕໍ່ໄດ້ຮັບການຕອບຮັບ',
      referral_declined: 'ການສົ່ງຕໍ່ຖືກປະຕິເສດ',
      referral_withdrawn: 'ການສົ່ງຕໍ່ຖືກຖອນຄືນ',
      referral_expiring: 'ການສົ່ງຕໍ່ໃກ້ໝົດກຳນົດ, ຕອບກ່ອນ {{dueBy}}',
      referral_expired: 'ການສົ່ງຕໍ່ໝົດກຳນົດໂດຍບໍ່ມີການຕອບ',
      closure_requested: 'ມີຄຳຮ້ອງປິດກໍລະນີ ({{reason}})',
      closure_approved: 'ກໍລະນີຖືກປິດແລ້ວ ({{reason}})',
      identification_requested: 'ມີຄຳຮ້ອງໃຫ້ຕັດສິນການກຳນົດຕົວ',
      identification_decided: 'ການກຳນົດຕົວໄດ້ຕັດສິນແລ້ວ ({{status}})',
      break_glass_used: 'ອົງການອື່ນໄດ້ໃຊ້ການເຂົ້າເຖິງສຸກເສີນ (break the glass)',
      follow_up_due: 'ຮອດກຳນົດຢ້ຽມຢາມຕິດຕາມ {{dueOn}}',
      follow_up_overdue: 'ການຢ້ຽມຢາມຕິດຕາມກາຍກຳນົດແຕ່ {{dueOn}}',
      return_notice_received: 'ແຈ້ງການກ່ອນມາຮອດ: ລໍຖ້າ {{peopleCount}} ຄົນ ວັນທີ {{expectedOn}}',
      placement_capacity_low: 'ສະຖານທີ່ຂອງອົງການທ່ານເຫຼືອ {{freeBeds}} ຕຽງ',
    },
  },
};
