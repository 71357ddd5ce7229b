#ifndef DEMO_LOG_H
#define DEMO_LOG_H
void demo_log(int level, const char *fmt, ...);
#endif
