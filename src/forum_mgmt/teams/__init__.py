"""Teams: who holds which role on a forum or in an organisation, invitations by e-mail to
join one, and the team's own trail of who invited, changed or removed whom."""
