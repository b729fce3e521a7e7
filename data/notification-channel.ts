/** The channel PostgreSQL sends {businessId, id} on when an alert is written (migration 0013's trigger). */
export const NOTIFICATIONS_CHANNEL = 'prosaas_notifications';
