-- A copy of a production database (neutralized) must not e-mail the accountant.
UPDATE res_company SET billmail_schedule = 'manual';
UPDATE billmail_mailbox SET active = false;
