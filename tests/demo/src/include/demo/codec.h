#ifndef DEMO_CODEC_H
#define DEMO_CODEC_H
const char *codec_name(void);
#endif
