#ifndef DEMO_NET_H
#define DEMO_NET_H
int net_packets(void);
#endif
