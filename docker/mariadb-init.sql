-- The change-data-capture user, as scripts/stack/mariadb.sh creates it.
CREATE USER IF NOT EXISTS 'conveyor'@'%' IDENTIFIED BY 'conveyor';
GRANT SELECT, RELOAD, SHOW DATABASES, REPLICATION SLAVE, REPLICATION CLIENT, LOCK TABLES ON *.* TO 'conveyor'@'%';
FLUSH PRIVILEGES;
