#ifndef LOG_H
#define LOG_H
void logmsg(int level, const char *msg);
#define LOG(level, msg) \
	do { if ((level) <= CONFIG_LOG_LEVEL) logmsg(level, msg); } while (0)
#endif
