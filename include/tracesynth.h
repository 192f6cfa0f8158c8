/* libtracesynth — learn kernel-trace behaviour, reconstruct lost events,
 * synthesize new traces. Umbrella header. */
#ifndef TRACESYNTH_H
#define TRACESYNTH_H
#include "tracesynth/common.h"
#include "tracesynth/container.h"
#include "tracesynth/data.h"
#include "tracesynth/eval.h"
#include "tracesynth/model.h"
#include "tracesynth/nn.h"
#include "tracesynth/s4.h"
#include "tracesynth/optim.h"
#include "tracesynth/diffusion.h"
#include "tracesynth/sssd.h"
#include "tracesynth/denoiser.h"
#include "tracesynth/sashimi.h"
#include "tracesynth/kneser_ney.h"
#include "tracesynth/options.h"
#include "tracesynth/protocol.h"
#include "tracesynth/channels.h"
#include "tracesynth/repair.h"
#include "tracesynth/gaps.h"
#include "tracesynth/mdm.h"
#include "tracesynth/ngram.h"
#include "tracesynth/train.h"
#include "tracesynth/prof.h"
#include "tracesynth/mc_model.h"
#include "tracesynth/mdm_mc.h"
#endif
