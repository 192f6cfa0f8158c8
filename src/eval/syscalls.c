/* System call names -> kernel subsystem, for the type accuracy of imputation
 * (design/PROTOCOLS.md §2), on the four architectures LTTng and strace record most:
 * x86-64, i386, arm (32-bit EABI/OABI) and aarch64. */
#include "tracesynth/eval.h"
#include "tracesynth/common.h"
#include "common/common_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/utsname.h>

enum { X64 = 1, I386 = 2, ARM = 4, A64 = 8 };

typedef struct {
    const char *name;
    const char *subsystem;
    int         arches;    /* X64 | I386 | ARM | A64: where the name is a native call */
} ts_syscall_entry;

/* system call -> kernel subsystem: the top-level directory of the kernel source that
 * implements the call (fs/, mm/, kernel/, arch/, net/, ipc/, security/); "other" for
 * calls that are unimplemented (ENOSYS stubs) or live elsewhere (getrandom: drivers/char/,
 * pciconfig_*: drivers/pci/). Names are those of each architecture's syscall table
 * (arch/x86/entry/syscalls/syscall_64.tbl and syscall_32.tbl, arch/arm/tools/syscall.tbl,
 * include/uapi/asm-generic/unistd.h for aarch64) and the kernel-internal names under which
 * tracers report a call (the sys_ function: LTTng's newstat is stat, llseek is _llseek,
 * mmap_pgoff is i386's mmap2, sync_file_range2 is arm's arm_sync_file_range, the 16-bit
 * uid calls and the _time32 variants of 32-bit kernels). Sorted by name (strcmp) for
 * binary search. */
static const ts_syscall_entry syscall_table[] = {
    {"_llseek", "fs", I386 | ARM},
    {"_newselect", "fs", I386 | ARM},
    {"_sysctl", "kernel", X64 | I386 | ARM},
    {"accept", "net", X64 | ARM | A64},
    {"accept4", "net", X64 | I386 | ARM | A64},
    {"access", "fs", X64 | I386 | ARM},
    {"acct", "kernel", X64 | I386 | ARM | A64},
    {"add_key", "security", X64 | I386 | ARM | A64},
    {"adjtimex", "kernel", X64 | I386 | ARM | A64},
    {"adjtimex_time32", "kernel", I386 | ARM},
    {"afs_syscall", "other", X64 | I386},
    {"alarm", "kernel", X64 | I386 | ARM},
    {"arch_prctl", "arch", X64 | I386},
    {"arm_fadvise64_64", "mm", ARM},
    {"arm_sync_file_range", "fs", ARM},
    {"bdflush", "other", I386 | ARM},
    {"bind", "net", X64 | I386 | ARM | A64},
    {"bpf", "kernel", X64 | I386 | ARM | A64},
    {"break", "other", I386},
    {"breakpoint", "arch", ARM},
    {"brk", "mm", X64 | I386 | ARM | A64},
    {"cacheflush", "arch", ARM},
    {"cachestat", "mm", X64 | I386 | ARM | A64},
    {"capget", "kernel", X64 | I386 | ARM | A64},
    {"capset", "kernel", X64 | I386 | ARM | A64},
    {"chdir", "fs", X64 | I386 | ARM | A64},
    {"chmod", "fs", X64 | I386 | ARM},
    {"chown", "fs", X64 | I386 | ARM},
    {"chown16", "kernel", I386 | ARM},
    {"chown32", "fs", I386 | ARM},
    {"chroot", "fs", X64 | I386 | ARM | A64},
    {"clock_adjtime", "kernel", X64 | I386 | ARM | A64},
    {"clock_adjtime32", "kernel", I386 | ARM},
    {"clock_adjtime64", "kernel", I386 | ARM},
    {"clock_getres", "kernel", X64 | I386 | ARM | A64},
    {"clock_getres_time32", "kernel", I386 | ARM},
    {"clock_getres_time64", "kernel", I386 | ARM},
    {"clock_gettime", "kernel", X64 | I386 | ARM | A64},
    {"clock_gettime32", "kernel", I386 | ARM},
    {"clock_gettime64", "kernel", I386 | ARM},
    {"clock_nanosleep", "kernel", X64 | I386 | ARM | A64},
    {"clock_nanosleep_time32", "kernel", I386 | ARM},
    {"clock_nanosleep_time64", "kernel", I386 | ARM},
    {"clock_settime", "kernel", X64 | I386 | ARM | A64},
    {"clock_settime32", "kernel", I386 | ARM},
    {"clock_settime64", "kernel", I386 | ARM},
    {"clone", "kernel", X64 | I386 | ARM | A64},
    {"clone3", "kernel", X64 | I386 | ARM | A64},
    {"close", "fs", X64 | I386 | ARM | A64},
    {"close_range", "fs", X64 | I386 | ARM | A64},
    {"connect", "net", X64 | I386 | ARM | A64},
    {"copy_file_range", "fs", X64 | I386 | ARM | A64},
    {"creat", "fs", X64 | I386 | ARM},
    {"create_module", "other", X64 | I386},
    {"delete_module", "kernel", X64 | I386 | ARM | A64},
    {"dup", "fs", X64 | I386 | ARM | A64},
    {"dup2", "fs", X64 | I386 | ARM},
    {"dup3", "fs", X64 | I386 | ARM | A64},
    {"epoll_create", "fs", X64 | I386 | ARM},
    {"epoll_create1", "fs", X64 | I386 | ARM | A64},
    {"epoll_ctl", "fs", X64 | I386 | ARM | A64},
    {"epoll_ctl_old", "other", X64},
    {"epoll_pwait", "fs", X64 | I386 | ARM | A64},
    {"epoll_pwait2", "fs", X64 | I386 | ARM | A64},
    {"epoll_wait", "fs", X64 | I386 | ARM},
    {"epoll_wait_old", "other", X64},
    {"eventfd", "fs", X64 | I386 | ARM},
    {"eventfd2", "fs", X64 | I386 | ARM | A64},
    {"execve", "fs", X64 | I386 | ARM | A64},
    {"execveat", "fs", X64 | I386 | ARM | A64},
    {"exit", "kernel", X64 | I386 | ARM | A64},
    {"exit_group", "kernel", X64 | I386 | ARM | A64},
    {"faccessat", "fs", X64 | I386 | ARM | A64},
    {"faccessat2", "fs", X64 | I386 | ARM | A64},
    {"fadvise64", "mm", X64 | I386 | A64},
    {"fadvise64_64", "mm", X64 | I386 | A64},
    {"fallocate", "fs", X64 | I386 | ARM | A64},
    {"fanotify_init", "fs", X64 | I386 | ARM | A64},
    {"fanotify_mark", "fs", X64 | I386 | ARM | A64},
    {"fchdir", "fs", X64 | I386 | ARM | A64},
    {"fchmod", "fs", X64 | I386 | ARM | A64},
    {"fchmodat", "fs", X64 | I386 | ARM | A64},
    {"fchmodat2", "fs", X64 | I386 | ARM | A64},
    {"fchown", "fs", X64 | I386 | ARM | A64},
    {"fchown16", "kernel", I386 | ARM},
    {"fchown32", "fs", I386 | ARM},
    {"fchownat", "fs", X64 | I386 | ARM | A64},
    {"fcntl", "fs", X64 | I386 | ARM | A64},
    {"fcntl64", "fs", I386 | ARM},
    {"fdatasync", "fs", X64 | I386 | ARM | A64},
    {"fgetxattr", "fs", X64 | I386 | ARM | A64},
    {"finit_module", "kernel", X64 | I386 | ARM | A64},
    {"flistxattr", "fs", X64 | I386 | ARM | A64},
    {"flock", "fs", X64 | I386 | ARM | A64},
    {"fork", "kernel", X64 | I386 | ARM},
    {"fremovexattr", "fs", X64 | I386 | ARM | A64},
    {"fsconfig", "fs", X64 | I386 | ARM | A64},
    {"fsetxattr", "fs", X64 | I386 | ARM | A64},
    {"fsmount", "fs", X64 | I386 | ARM | A64},
    {"fsopen", "fs", X64 | I386 | ARM | A64},
    {"fspick", "fs", X64 | I386 | ARM | A64},
    {"fstat", "fs", X64 | I386 | ARM | A64},
    {"fstat64", "fs", I386 | ARM},
    {"fstatat64", "fs", I386 | ARM},
    {"fstatfs", "fs", X64 | I386 | ARM | A64},
    {"fstatfs64", "fs", I386 | ARM},
    {"fstatfs64_wrapper", "fs", ARM},
    {"fsync", "fs", X64 | I386 | ARM | A64},
    {"ftime", "other", I386},
    {"ftruncate", "fs", X64 | I386 | ARM | A64},
    {"ftruncate64", "fs", I386 | ARM},
    {"futex", "kernel", X64 | I386 | ARM | A64},
    {"futex_requeue", "kernel", X64 | I386 | ARM | A64},
    {"futex_time32", "kernel", I386 | ARM},
    {"futex_time64", "kernel", I386 | ARM},
    {"futex_wait", "kernel", X64 | I386 | ARM | A64},
    {"futex_waitv", "kernel", X64 | I386 | ARM | A64},
    {"futex_wake", "kernel", X64 | I386 | ARM | A64},
    {"futimesat", "fs", X64 | I386 | ARM},
    {"futimesat_time32", "fs", I386 | ARM},
    {"get_kernel_syms", "other", X64 | I386},
    {"get_mempolicy", "mm", X64 | I386 | ARM | A64},
    {"get_robust_list", "kernel", X64 | I386 | ARM | A64},
    {"get_thread_area", "arch", X64 | I386},
    {"get_tls", "arch", ARM},
    {"getcpu", "kernel", X64 | I386 | ARM | A64},
    {"getcwd", "fs", X64 | I386 | ARM | A64},
    {"getdents", "fs", X64 | I386 | ARM},
    {"getdents64", "fs", X64 | I386 | ARM | A64},
    {"getegid", "kernel", X64 | I386 | ARM | A64},
    {"getegid16", "kernel", I386 | ARM},
    {"getegid32", "kernel", I386 | ARM},
    {"geteuid", "kernel", X64 | I386 | ARM | A64},
    {"geteuid16", "kernel", I386 | ARM},
    {"geteuid32", "kernel", I386 | ARM},
    {"getgid", "kernel", X64 | I386 | ARM | A64},
    {"getgid16", "kernel", I386 | ARM},
    {"getgid32", "kernel", I386 | ARM},
    {"getgroups", "kernel", X64 | I386 | ARM | A64},
    {"getgroups16", "kernel", I386 | ARM},
    {"getgroups32", "kernel", I386 | ARM},
    {"getitimer", "kernel", X64 | I386 | ARM | A64},
    {"getpeername", "net", X64 | I386 | ARM | A64},
    {"getpgid", "kernel", X64 | I386 | ARM | A64},
    {"getpgrp", "kernel", X64 | I386 | ARM},
    {"getpid", "kernel", X64 | I386 | ARM | A64},
    {"getpmsg", "other", X64 | I386},
    {"getppid", "kernel", X64 | I386 | ARM | A64},
    {"getpriority", "kernel", X64 | I386 | ARM | A64},
    {"getrandom", "other", X64 | I386 | ARM | A64},
    {"getresgid", "kernel", X64 | I386 | ARM | A64},
    {"getresgid16", "kernel", I386 | ARM},
    {"getresgid32", "kernel", I386 | ARM},
    {"getresuid", "kernel", X64 | I386 | ARM | A64},
    {"getresuid16", "kernel", I386 | ARM},
    {"getresuid32", "kernel", I386 | ARM},
    {"getrlimit", "kernel", X64 | I386 | ARM | A64},
    {"getrusage", "kernel", X64 | I386 | ARM | A64},
    {"getsid", "kernel", X64 | I386 | ARM | A64},
    {"getsockname", "net", X64 | I386 | ARM | A64},
    {"getsockopt", "net", X64 | I386 | ARM | A64},
    {"gettid", "kernel", X64 | I386 | ARM | A64},
    {"gettimeofday", "kernel", X64 | I386 | ARM | A64},
    {"getuid", "kernel", X64 | I386 | ARM | A64},
    {"getuid16", "kernel", I386 | ARM},
    {"getuid32", "kernel", I386 | ARM},
    {"getxattr", "fs", X64 | I386 | ARM | A64},
    {"getxattrat", "fs", X64 | I386 | ARM | A64},
    {"gtty", "other", I386},
    {"idle", "other", I386},
    {"init_module", "kernel", X64 | I386 | ARM | A64},
    {"inotify_add_watch", "fs", X64 | I386 | ARM | A64},
    {"inotify_init", "fs", X64 | I386 | ARM},
    {"inotify_init1", "fs", X64 | I386 | ARM | A64},
    {"inotify_rm_watch", "fs", X64 | I386 | ARM | A64},
    {"io_cancel", "fs", X64 | I386 | ARM | A64},
    {"io_destroy", "fs", X64 | I386 | ARM | A64},
    {"io_getevents", "fs", X64 | I386 | ARM | A64},
    {"io_getevents_time32", "fs", I386 | ARM},
    {"io_pgetevents", "fs", X64 | I386 | ARM | A64},
    {"io_pgetevents_time32", "fs", I386 | ARM},
    {"io_pgetevents_time64", "fs", I386 | ARM},
    {"io_setup", "fs", X64 | I386 | ARM | A64},
    {"io_submit", "fs", X64 | I386 | ARM | A64},
    {"io_uring_enter", "fs", X64 | I386 | ARM | A64},
    {"io_uring_register", "fs", X64 | I386 | ARM | A64},
    {"io_uring_setup", "fs", X64 | I386 | ARM | A64},
    {"ioctl", "fs", X64 | I386 | ARM | A64},
    {"ioperm", "arch", X64 | I386},
    {"iopl", "arch", X64 | I386},
    {"ioprio_get", "fs", X64 | I386 | ARM | A64},
    {"ioprio_set", "fs", X64 | I386 | ARM | A64},
    {"ipc", "ipc", I386 | ARM},
    {"kcmp", "kernel", X64 | I386 | ARM | A64},
    {"kexec_file_load", "kernel", X64 | A64},
    {"kexec_load", "kernel", X64 | I386 | ARM | A64},
    {"keyctl", "security", X64 | I386 | ARM | A64},
    {"kill", "kernel", X64 | I386 | ARM | A64},
    {"landlock_add_rule", "security", X64 | I386 | ARM | A64},
    {"landlock_create_ruleset", "security", X64 | I386 | ARM | A64},
    {"landlock_restrict_self", "security", X64 | I386 | ARM | A64},
    {"lchown", "fs", X64 | I386 | ARM},
    {"lchown16", "kernel", I386 | ARM},
    {"lchown32", "fs", I386 | ARM},
    {"lgetxattr", "fs", X64 | I386 | ARM | A64},
    {"link", "fs", X64 | I386 | ARM},
    {"linkat", "fs", X64 | I386 | ARM | A64},
    {"listen", "net", X64 | I386 | ARM | A64},
    {"listmount", "fs", X64 | I386 | ARM | A64},
    {"listxattr", "fs", X64 | I386 | ARM | A64},
    {"listxattrat", "fs", X64 | I386 | ARM | A64},
    {"llistxattr", "fs", X64 | I386 | ARM | A64},
    {"llseek", "fs", I386 | ARM},
    {"lock", "other", I386},
    {"lookup_dcookie", "fs", X64 | I386 | ARM | A64},
    {"lremovexattr", "fs", X64 | I386 | ARM | A64},
    {"lseek", "fs", X64 | I386 | ARM | A64},
    {"lsetxattr", "fs", X64 | I386 | ARM | A64},
    {"lsm_get_self_attr", "security", X64 | I386 | ARM | A64},
    {"lsm_list_modules", "security", X64 | I386 | ARM | A64},
    {"lsm_set_self_attr", "security", X64 | I386 | ARM | A64},
    {"lstat", "fs", X64 | I386 | ARM},
    {"lstat64", "fs", I386 | ARM},
    {"madvise", "mm", X64 | I386 | ARM | A64},
    {"map_shadow_stack", "arch", X64 | ARM},
    {"mbind", "mm", X64 | I386 | ARM | A64},
    {"membarrier", "kernel", X64 | I386 | ARM | A64},
    {"memfd_create", "mm", X64 | I386 | ARM | A64},
    {"memfd_secret", "mm", X64 | I386 | A64},
    {"migrate_pages", "mm", X64 | I386 | ARM | A64},
    {"mincore", "mm", X64 | I386 | ARM | A64},
    {"mkdir", "fs", X64 | I386 | ARM},
    {"mkdirat", "fs", X64 | I386 | ARM | A64},
    {"mknod", "fs", X64 | I386 | ARM},
    {"mknodat", "fs", X64 | I386 | ARM | A64},
    {"mlock", "mm", X64 | I386 | ARM | A64},
    {"mlock2", "mm", X64 | I386 | ARM | A64},
    {"mlockall", "mm", X64 | I386 | ARM | A64},
    {"mmap", "mm", X64 | I386 | ARM | A64},
    {"mmap2", "mm", I386 | ARM},
    {"mmap_pgoff", "mm", X64 | I386 | ARM},
    {"modify_ldt", "arch", X64 | I386},
    {"mount", "fs", X64 | I386 | ARM | A64},
    {"mount_setattr", "fs", X64 | I386 | ARM | A64},
    {"move_mount", "fs", X64 | I386 | ARM | A64},
    {"move_pages", "mm", X64 | I386 | ARM | A64},
    {"mprotect", "mm", X64 | I386 | ARM | A64},
    {"mpx", "other", I386},
    {"mq_getsetattr", "ipc", X64 | I386 | ARM | A64},
    {"mq_notify", "ipc", X64 | I386 | ARM | A64},
    {"mq_open", "ipc", X64 | I386 | ARM | A64},
    {"mq_timedreceive", "ipc", X64 | I386 | ARM | A64},
    {"mq_timedreceive_time32", "ipc", I386 | ARM},
    {"mq_timedreceive_time64", "ipc", I386 | ARM},
    {"mq_timedsend", "ipc", X64 | I386 | ARM | A64},
    {"mq_timedsend_time32", "ipc", I386 | ARM},
    {"mq_timedsend_time64", "ipc", I386 | ARM},
    {"mq_unlink", "ipc", X64 | I386 | ARM | A64},
    {"mremap", "mm", X64 | I386 | ARM | A64},
    {"mseal", "mm", X64 | I386 | ARM | A64},
    {"msgctl", "ipc", X64 | I386 | ARM | A64},
    {"msgget", "ipc", X64 | I386 | ARM | A64},
    {"msgrcv", "ipc", X64 | I386 | ARM | A64},
    {"msgsnd", "ipc", X64 | I386 | ARM | A64},
    {"msync", "mm", X64 | I386 | ARM | A64},
    {"munlock", "mm", X64 | I386 | ARM | A64},
    {"munlockall", "mm", X64 | I386 | ARM | A64},
    {"munmap", "mm", X64 | I386 | ARM | A64},
    {"name_to_handle_at", "fs", X64 | I386 | ARM | A64},
    {"nanosleep", "kernel", X64 | I386 | ARM | A64},
    {"nanosleep_time32", "kernel", I386 | ARM},
    {"newfstat", "fs", X64 | I386 | ARM | A64},
    {"newfstatat", "fs", X64 | A64},
    {"newlstat", "fs", X64 | I386 | ARM},
    {"newstat", "fs", X64 | I386 | ARM},
    {"newuname", "kernel", X64 | I386 | ARM | A64},
    {"nfsservctl", "other", X64 | I386 | ARM | A64},
    {"nice", "kernel", I386 | ARM},
    {"old_getrlimit", "kernel", I386 | ARM},
    {"old_mmap", "mm", I386 | ARM},
    {"old_msgctl", "ipc", ARM},
    {"old_readdir", "fs", I386 | ARM},
    {"old_select", "fs", I386 | ARM},
    {"old_semctl", "ipc", ARM},
    {"old_shmctl", "ipc", ARM},
    {"oldfstat", "fs", I386},
    {"oldlstat", "fs", I386},
    {"oldolduname", "kernel", I386},
    {"oldstat", "fs", I386},
    {"oldumount", "fs", I386 | ARM},
    {"olduname", "kernel", I386},
    {"open", "fs", X64 | I386 | ARM},
    {"open_by_handle_at", "fs", X64 | I386 | ARM | A64},
    {"open_tree", "fs", X64 | I386 | ARM | A64},
    {"open_tree_attr", "fs", X64 | I386 | ARM | A64},
    {"openat", "fs", X64 | I386 | ARM | A64},
    {"openat2", "fs", X64 | I386 | ARM | A64},
    {"pause", "kernel", X64 | I386 | ARM},
    {"pciconfig_iobase", "other", ARM},
    {"pciconfig_read", "other", ARM},
    {"pciconfig_write", "other", ARM},
    {"perf_event_open", "kernel", X64 | I386 | ARM | A64},
    {"personality", "kernel", X64 | I386 | ARM | A64},
    {"pidfd_getfd", "kernel", X64 | I386 | ARM | A64},
    {"pidfd_open", "kernel", X64 | I386 | ARM | A64},
    {"pidfd_send_signal", "kernel", X64 | I386 | ARM | A64},
    {"pipe", "fs", X64 | I386 | ARM},
    {"pipe2", "fs", X64 | I386 | ARM | A64},
    {"pivot_root", "fs", X64 | I386 | ARM | A64},
    {"pkey_alloc", "mm", X64 | I386 | ARM | A64},
    {"pkey_free", "mm", X64 | I386 | ARM | A64},
    {"pkey_mprotect", "mm", X64 | I386 | ARM | A64},
    {"poll", "fs", X64 | I386 | ARM},
    {"ppoll", "fs", X64 | I386 | ARM | A64},
    {"ppoll_time32", "fs", I386 | ARM},
    {"ppoll_time64", "fs", I386 | ARM},
    {"prctl", "kernel", X64 | I386 | ARM | A64},
    {"pread64", "fs", X64 | I386 | ARM | A64},
    {"preadv", "fs", X64 | I386 | ARM | A64},
    {"preadv2", "fs", X64 | I386 | ARM | A64},
    {"prlimit64", "kernel", X64 | I386 | ARM | A64},
    {"process_madvise", "mm", X64 | I386 | ARM | A64},
    {"process_mrelease", "mm", X64 | I386 | ARM | A64},
    {"process_vm_readv", "mm", X64 | I386 | ARM | A64},
    {"process_vm_writev", "mm", X64 | I386 | ARM | A64},
    {"prof", "other", I386},
    {"profil", "other", I386},
    {"pselect6", "fs", X64 | I386 | ARM | A64},
    {"pselect6_time32", "fs", I386 | ARM},
    {"pselect6_time64", "fs", I386 | ARM},
    {"ptrace", "kernel", X64 | I386 | ARM | A64},
    {"putpmsg", "other", X64 | I386},
    {"pwrite64", "fs", X64 | I386 | ARM | A64},
    {"pwritev", "fs", X64 | I386 | ARM | A64},
    {"pwritev2", "fs", X64 | I386 | ARM | A64},
    {"query_module", "other", X64 | I386},
    {"quotactl", "fs", X64 | I386 | ARM | A64},
    {"quotactl_fd", "fs", X64 | I386 | ARM | A64},
    {"read", "fs", X64 | I386 | ARM | A64},
    {"readahead", "mm", X64 | I386 | ARM | A64},
    {"readdir", "fs", I386 | ARM},
    {"readlink", "fs", X64 | I386 | ARM},
    {"readlinkat", "fs", X64 | I386 | ARM | A64},
    {"readv", "fs", X64 | I386 | ARM | A64},
    {"reboot", "kernel", X64 | I386 | ARM | A64},
    {"recv", "net", ARM},
    {"recvfrom", "net", X64 | I386 | ARM | A64},
    {"recvmmsg", "net", X64 | I386 | ARM | A64},
    {"recvmmsg_time32", "net", I386 | ARM},
    {"recvmmsg_time64", "net", I386 | ARM},
    {"recvmsg", "net", X64 | I386 | ARM | A64},
    {"remap_file_pages", "mm", X64 | I386 | ARM | A64},
    {"removexattr", "fs", X64 | I386 | ARM | A64},
    {"removexattrat", "fs", X64 | I386 | ARM | A64},
    {"rename", "fs", X64 | I386 | ARM},
    {"renameat", "fs", X64 | I386 | ARM | A64},
    {"renameat2", "fs", X64 | I386 | ARM | A64},
    {"request_key", "security", X64 | I386 | ARM | A64},
    {"restart_syscall", "kernel", X64 | I386 | ARM | A64},
    {"rmdir", "fs", X64 | I386 | ARM},
    {"rseq", "kernel", X64 | I386 | ARM | A64},
    {"rt_sigaction", "kernel", X64 | I386 | ARM | A64},
    {"rt_sigpending", "kernel", X64 | I386 | ARM | A64},
    {"rt_sigprocmask", "kernel", X64 | I386 | ARM | A64},
    {"rt_sigqueueinfo", "kernel", X64 | I386 | ARM | A64},
    {"rt_sigreturn", "arch", X64 | I386 | ARM | A64},
    {"rt_sigreturn_wrapper", "arch", ARM},
    {"rt_sigsuspend", "kernel", X64 | I386 | ARM | A64},
    {"rt_sigtimedwait", "kernel", X64 | I386 | ARM | A64},
    {"rt_sigtimedwait_time32", "kernel", I386 | ARM},
    {"rt_sigtimedwait_time64", "kernel", I386 | ARM},
    {"rt_tgsigqueueinfo", "kernel", X64 | I386 | ARM | A64},
    {"sched_get_priority_max", "kernel", X64 | I386 | ARM | A64},
    {"sched_get_priority_min", "kernel", X64 | I386 | ARM | A64},
    {"sched_getaffinity", "kernel", X64 | I386 | ARM | A64},
    {"sched_getattr", "kernel", X64 | I386 | ARM | A64},
    {"sched_getparam", "kernel", X64 | I386 | ARM | A64},
    {"sched_getscheduler", "kernel", X64 | I386 | ARM | A64},
    {"sched_rr_get_interval", "kernel", X64 | I386 | ARM | A64},
    {"sched_rr_get_interval_time32", "kernel", I386 | ARM},
    {"sched_rr_get_interval_time64", "kernel", I386 | ARM},
    {"sched_setaffinity", "kernel", X64 | I386 | ARM | A64},
    {"sched_setattr", "kernel", X64 | I386 | ARM | A64},
    {"sched_setparam", "kernel", X64 | I386 | ARM | A64},
    {"sched_setscheduler", "kernel", X64 | I386 | ARM | A64},
    {"sched_yield", "kernel", X64 | I386 | ARM | A64},
    {"seccomp", "kernel", X64 | I386 | ARM | A64},
    {"security", "other", X64},
    {"select", "fs", X64 | I386 | ARM},
    {"semctl", "ipc", X64 | I386 | ARM | A64},
    {"semget", "ipc", X64 | I386 | ARM | A64},
    {"semop", "ipc", X64 | ARM | A64},
    {"semtimedop", "ipc", X64 | ARM | A64},
    {"semtimedop_time32", "ipc", I386 | ARM},
    {"semtimedop_time64", "ipc", I386 | ARM},
    {"send", "net", ARM},
    {"sendfile", "fs", X64 | I386 | ARM | A64},
    {"sendfile64", "fs", X64 | I386 | ARM | A64},
    {"sendmmsg", "net", X64 | I386 | ARM | A64},
    {"sendmsg", "net", X64 | I386 | ARM | A64},
    {"sendto", "net", X64 | I386 | ARM | A64},
    {"set_mempolicy", "mm", X64 | I386 | ARM | A64},
    {"set_mempolicy_home_node", "mm", X64 | I386 | ARM | A64},
    {"set_robust_list", "kernel", X64 | I386 | ARM | A64},
    {"set_thread_area", "arch", X64 | I386},
    {"set_tid_address", "kernel", X64 | I386 | ARM | A64},
    {"set_tls", "arch", ARM},
    {"setdomainname", "kernel", X64 | I386 | ARM | A64},
    {"setfsgid", "kernel", X64 | I386 | ARM | A64},
    {"setfsgid16", "kernel", I386 | ARM},
    {"setfsgid32", "kernel", I386 | ARM},
    {"setfsuid", "kernel", X64 | I386 | ARM | A64},
    {"setfsuid16", "kernel", I386 | ARM},
    {"setfsuid32", "kernel", I386 | ARM},
    {"setgid", "kernel", X64 | I386 | ARM | A64},
    {"setgid16", "kernel", I386 | ARM},
    {"setgid32", "kernel", I386 | ARM},
    {"setgroups", "kernel", X64 | I386 | ARM | A64},
    {"setgroups16", "kernel", I386 | ARM},
    {"setgroups32", "kernel", I386 | ARM},
    {"sethostname", "kernel", X64 | I386 | ARM | A64},
    {"setitimer", "kernel", X64 | I386 | ARM | A64},
    {"setns", "kernel", X64 | I386 | ARM | A64},
    {"setpgid", "kernel", X64 | I386 | ARM | A64},
    {"setpriority", "kernel", X64 | I386 | ARM | A64},
    {"setregid", "kernel", X64 | I386 | ARM | A64},
    {"setregid16", "kernel", I386 | ARM},
    {"setregid32", "kernel", I386 | ARM},
    {"setresgid", "kernel", X64 | I386 | ARM | A64},
    {"setresgid16", "kernel", I386 | ARM},
    {"setresgid32", "kernel", I386 | ARM},
    {"setresuid", "kernel", X64 | I386 | ARM | A64},
    {"setresuid16", "kernel", I386 | ARM},
    {"setresuid32", "kernel", I386 | ARM},
    {"setreuid", "kernel", X64 | I386 | ARM | A64},
    {"setreuid16", "kernel", I386 | ARM},
    {"setreuid32", "kernel", I386 | ARM},
    {"setrlimit", "kernel", X64 | I386 | ARM | A64},
    {"setsid", "kernel", X64 | I386 | ARM | A64},
    {"setsockopt", "net", X64 | I386 | ARM | A64},
    {"settimeofday", "kernel", X64 | I386 | ARM | A64},
    {"setuid", "kernel", X64 | I386 | ARM | A64},
    {"setuid16", "kernel", I386 | ARM},
    {"setuid32", "kernel", I386 | ARM},
    {"setxattr", "fs", X64 | I386 | ARM | A64},
    {"setxattrat", "fs", X64 | I386 | ARM | A64},
    {"sgetmask", "kernel", I386},
    {"shmat", "ipc", X64 | I386 | ARM | A64},
    {"shmctl", "ipc", X64 | I386 | ARM | A64},
    {"shmdt", "ipc", X64 | I386 | ARM | A64},
    {"shmget", "ipc", X64 | I386 | ARM | A64},
    {"shutdown", "net", X64 | I386 | ARM | A64},
    {"sigaction", "kernel", I386 | ARM},
    {"sigaltstack", "kernel", X64 | I386 | ARM | A64},
    {"signal", "kernel", I386},
    {"signalfd", "fs", X64 | I386 | ARM},
    {"signalfd4", "fs", X64 | I386 | ARM | A64},
    {"sigpending", "kernel", I386 | ARM},
    {"sigprocmask", "kernel", I386 | ARM},
    {"sigreturn", "arch", I386 | ARM},
    {"sigreturn_wrapper", "arch", ARM},
    {"sigsuspend", "kernel", I386 | ARM},
    {"socket", "net", X64 | I386 | ARM | A64},
    {"socketcall", "net", I386 | ARM},
    {"socketpair", "net", X64 | I386 | ARM | A64},
    {"splice", "fs", X64 | I386 | ARM | A64},
    {"ssetmask", "kernel", I386},
    {"stat", "fs", X64 | I386 | ARM},
    {"stat64", "fs", I386 | ARM},
    {"statfs", "fs", X64 | I386 | ARM | A64},
    {"statfs64", "fs", I386 | ARM},
    {"statfs64_wrapper", "fs", ARM},
    {"statmount", "fs", X64 | I386 | ARM | A64},
    {"statx", "fs", X64 | I386 | ARM | A64},
    {"stime", "kernel", I386 | ARM},
    {"stime32", "kernel", I386 | ARM},
    {"stty", "other", I386},
    {"swapoff", "mm", X64 | I386 | ARM | A64},
    {"swapon", "mm", X64 | I386 | ARM | A64},
    {"symlink", "fs", X64 | I386 | ARM},
    {"symlinkat", "fs", X64 | I386 | ARM | A64},
    {"sync", "fs", X64 | I386 | ARM | A64},
    {"sync_file_range", "fs", X64 | I386 | A64},
    {"sync_file_range2", "fs", ARM},
    {"syncfs", "fs", X64 | I386 | ARM | A64},
    {"syscall", "arch", ARM},
    {"sysctl", "kernel", X64},
    {"sysfs", "fs", X64 | I386 | ARM},
    {"sysinfo", "kernel", X64 | I386 | ARM | A64},
    {"syslog", "kernel", X64 | I386 | ARM | A64},
    {"tee", "fs", X64 | I386 | ARM | A64},
    {"tgkill", "kernel", X64 | I386 | ARM | A64},
    {"time", "kernel", X64 | I386 | ARM},
    {"time32", "kernel", I386 | ARM},
    {"timer_create", "kernel", X64 | I386 | ARM | A64},
    {"timer_delete", "kernel", X64 | I386 | ARM | A64},
    {"timer_getoverrun", "kernel", X64 | I386 | ARM | A64},
    {"timer_gettime", "kernel", X64 | I386 | ARM | A64},
    {"timer_gettime32", "kernel", I386 | ARM},
    {"timer_gettime64", "kernel", I386 | ARM},
    {"timer_settime", "kernel", X64 | I386 | ARM | A64},
    {"timer_settime32", "kernel", I386 | ARM},
    {"timer_settime64", "kernel", I386 | ARM},
    {"timerfd_create", "fs", X64 | I386 | ARM | A64},
    {"timerfd_gettime", "fs", X64 | I386 | ARM | A64},
    {"timerfd_gettime32", "fs", I386 | ARM},
    {"timerfd_gettime64", "fs", I386 | ARM},
    {"timerfd_settime", "fs", X64 | I386 | ARM | A64},
    {"timerfd_settime32", "fs", I386 | ARM},
    {"timerfd_settime64", "fs", I386 | ARM},
    {"times", "kernel", X64 | I386 | ARM | A64},
    {"tkill", "kernel", X64 | I386 | ARM | A64},
    {"truncate", "fs", X64 | I386 | ARM | A64},
    {"truncate64", "fs", I386 | ARM},
    {"tuxcall", "other", X64},
    {"ugetrlimit", "kernel", I386 | ARM},
    {"ulimit", "other", I386},
    {"umask", "kernel", X64 | I386 | ARM | A64},
    {"umount", "fs", X64 | I386 | ARM | A64},
    {"umount2", "fs", X64 | I386 | ARM | A64},
    {"uname", "kernel", X64 | I386 | ARM | A64},
    {"unlink", "fs", X64 | I386 | ARM},
    {"unlinkat", "fs", X64 | I386 | ARM | A64},
    {"unshare", "kernel", X64 | I386 | ARM | A64},
    {"uretprobe", "arch", X64},
    {"uselib", "fs", X64 | I386 | ARM},
    {"userfaultfd", "fs", X64 | I386 | ARM | A64},
    {"usr26", "arch", ARM},
    {"usr32", "arch", ARM},
    {"ustat", "fs", X64 | I386 | ARM},
    {"utime", "fs", X64 | I386 | ARM},
    {"utime32", "fs", I386 | ARM},
    {"utimensat", "fs", X64 | I386 | ARM | A64},
    {"utimensat_time32", "fs", I386 | ARM},
    {"utimensat_time64", "fs", I386 | ARM},
    {"utimes", "fs", X64 | I386 | ARM},
    {"utimes_time32", "fs", I386 | ARM},
    {"vfork", "kernel", X64 | I386 | ARM},
    {"vhangup", "fs", X64 | I386 | ARM | A64},
    {"vm86", "arch", I386},
    {"vm86old", "arch", I386},
    {"vmsplice", "fs", X64 | I386 | ARM | A64},
    {"vserver", "other", X64 | I386 | ARM},
    {"wait4", "kernel", X64 | I386 | ARM | A64},
    {"waitid", "kernel", X64 | I386 | ARM | A64},
    {"waitpid", "kernel", I386},
    {"write", "fs", X64 | I386 | ARM | A64},
    {"writev", "fs", X64 | I386 | ARM | A64},
};

/* tracer spellings: LTTng >= 2.6 (syscall_entry_/syscall_exit_, compat_ for 32-bit tasks),
 * LTTng < 2.6 and kernel symbols (sys_), and the kernel's syscall wrappers */
static const char *const prefixes[] = {
    "compat_syscall_entry_", "compat_syscall_exit_", "syscall_entry_", "syscall_exit_",
    "__x64_sys_", "__ia32_sys_", "__arm64_sys_", "__se_sys_", "compat_sys_", "sys_",
};

static const char *strip_prefix(const char *name)
{
    for (size_t i = 0; i < sizeof prefixes / sizeof *prefixes; i++) {
        size_t n = strlen(prefixes[i]);
        if (strncmp(name, prefixes[i], n) == 0) return name + n;
    }
    return name;
}

static int entry_cmp(const void *key, const void *elem)
{
    return strcmp((const char *)key, ((const ts_syscall_entry *)elem)->name);
}

static const ts_syscall_entry *lookup(const char *name)
{
    if (!name) return NULL;
    return bsearch(strip_prefix(name), syscall_table, sizeof syscall_table / sizeof *syscall_table,
                   sizeof *syscall_table, entry_cmp);
}

static const struct { ts_arch arch; const char *name; int native, accepted; } arch_info[] = {
    {TS_ARCH_X86_64, "x86_64", X64, X64 | I386},     /* a 64-bit kernel also runs 32-bit tasks */
    {TS_ARCH_I386, "i386", I386, I386},
    {TS_ARCH_ARM, "arm", ARM, ARM},
    {TS_ARCH_AARCH64, "aarch64", A64, A64 | ARM},
};

static int arch_index(ts_arch a)
{
    for (int i = 0; i < 4; i++) if (arch_info[i].arch == a) return i;
    return -1;
}

const char *ts_arch_name(ts_arch a)
{
    int i = arch_index(a);
    return i < 0 ? "unknown" : arch_info[i].name;
}

int ts_dataset_arch(const char *dir, ts_arch *out)
{
    if (!out) return ts_fail_null(__func__, "out");
    *out = TS_ARCH_UNKNOWN;
    if (!dir) return ts_fail_null(__func__, "dir");
    /* a dataset saved over an earlier one and killed half way: finished first, never the
     * old arch beside the new events */
    if (ts_stage_recover(dir)) return -1;
    char *p = ts_path_join(dir, "arch");
    int odd, rc = 0;
    FILE *f = ts__fopen_regular(p, &odd);
    char word[32] = "";
    if (!f && odd)
        rc = ts_fail("%s: not a regular file (a FIFO, device or directory): a dataset's architecture is read from a "
                     "file", p);
    else if (!f && errno != ENOENT && errno != ENOTDIR)
        rc = ts_fail("%s: cannot open: %s", p, strerror(errno));
    else if (f && fscanf(f, "%31s", word) == 1 && ts_arch_parse(word, out) != 0) {
        /* refused, as a malformed length file is: what is made of the dataset would lose it */
        *out = TS_ARCH_UNKNOWN;
        rc = ts_fail("%s: %s", p, ts_error());
    } else if (f && word[0] && fgetc(f) == EOF) {
        /* the word ends the file, without the newline ingest writes after it: a file cut
         * short in its word ("x86_64\n" after 3 bytes) would name another architecture
         * (x86 is i386); such a word that begins an architecture's longer name is refused */
        static const ts_arch all[] = {TS_ARCH_X86_64, TS_ARCH_I386, TS_ARCH_ARM, TS_ARCH_AARCH64};
        const size_t wl = strlen(word);
        for (size_t i = 0; rc == 0 && i < sizeof all / sizeof *all; i++) {
            const char *name = ts_arch_name(all[i]);
            if (strlen(name) > wl && !strncasecmp(name, word, wl)) {
                *out = TS_ARCH_UNKNOWN;
                rc = ts_fail("%s: its word '%s' ends the file, without a newline, and begins %s: a file cut short? "
                             "(ingest writes the word and a newline)", p, word, name);
            }
        }
    }
    if (f) fclose(f);
    free(p);
    return rc;
}

ts_arch ts_arch_of_dataset(const char *dir)
{
    ts_arch a = TS_ARCH_UNKNOWN;
    if (!dir) return a;
    ts_dataset_arch(dir, &a);
    ts_clear_error();
    return a;
}

int ts_arch_parse(const char *s, ts_arch *out)
{
    static const struct { const char *alias; ts_arch arch; } aliases[] = {
        {"x86_64", TS_ARCH_X86_64}, {"x86-64", TS_ARCH_X86_64}, {"amd64", TS_ARCH_X86_64},
        {"i386", TS_ARCH_I386}, {"i486", TS_ARCH_I386}, {"i586", TS_ARCH_I386}, {"i686", TS_ARCH_I386},
        {"x86", TS_ARCH_I386}, {"arm", TS_ARCH_ARM}, {"armel", TS_ARCH_ARM}, {"armhf", TS_ARCH_ARM},
        {"armv6l", TS_ARCH_ARM}, {"armv7l", TS_ARCH_ARM}, {"armv7", TS_ARCH_ARM},
        {"aarch64", TS_ARCH_AARCH64}, {"arm64", TS_ARCH_AARCH64},
    };
    for (size_t i = 0; s && i < sizeof aliases / sizeof *aliases; i++)
        if (!strcasecmp(s, aliases[i].alias)) {
            *out = aliases[i].arch;
            return 0;
        }
    return ts_fail("architecture '%s': expected x86_64, i386, arm or aarch64", s ? s : "");
}

ts_arch ts_arch_host(void)
{
    struct utsname u;
    ts_arch a;
    if (uname(&u) == 0 && ts_arch_parse(u.machine, &a) == 0) return a;
    ts_clear_error();
#if defined(__x86_64__)
    return TS_ARCH_X86_64;
#elif defined(__i386__)
    return TS_ARCH_I386;
#elif defined(__aarch64__)
    return TS_ARCH_AARCH64;
#elif defined(__arm__)
    return TS_ARCH_ARM;
#else
    return TS_ARCH_UNKNOWN;
#endif
}

/* An architecture fits the names when each known name is one of its native calls. When
 * several fit (most calls are common to all), a long list such as the system calls a trace
 * declares picks the one whose table it covers best (aarch64's generic table is nearly a
 * subset of x86-64's); a short list stays undecided. */
ts_arch ts_arch_guess(const char *const *names, size_t n)
{
    size_t miss[4] = {0}, hit[4] = {0}, known = 0;
    for (size_t i = 0; names && i < n; i++) {
        if (!names[i] || !strncmp(names[i], "compat_", 7)) continue;  /* 32-bit tasks on a 64-bit kernel */
        const ts_syscall_entry *e = lookup(names[i]);
        if (!e) continue;
        known++;
        for (int a = 0; a < 4; a++) {
            if (e->arches & arch_info[a].native) hit[a]++;
            else miss[a]++;
        }
    }
    if (known == 0) return TS_ARCH_UNKNOWN;
    size_t least = miss[0];
    for (int a = 1; a < 4; a++) if (miss[a] < least) least = miss[a];
    int fits = 0, only = -1;
    for (int a = 0; a < 4; a++) if (miss[a] == least) fits++, only = a;
    if (least > 0 && least * 20 > known) return TS_ARCH_UNKNOWN;     /* fits none */
    if (fits == 1) return arch_info[only].arch;
    if (known < 100) return TS_ARCH_UNKNOWN;
    /* coverage of each fitting table: hits / table size */
    size_t size[4] = {0};
    for (size_t i = 0; i < sizeof syscall_table / sizeof *syscall_table; i++)
        for (int a = 0; a < 4; a++) size[a] += (syscall_table[i].arches & arch_info[a].native) != 0;
    int best = -1;
    double best_cov = -1;
    for (int a = 0; a < 4; a++) {
        if (miss[a] != least) continue;
        double cov = (double)hit[a] / (double)size[a];
        if (cov > best_cov + 1e-12) best_cov = cov, best = a;
        else if (cov > best_cov - 1e-12) best = -1;  /* a tie */
    }
    return best < 0 ? TS_ARCH_UNKNOWN : arch_info[best].arch;
}

const char *ts_syscall_subsystem_arch(const char *name, ts_arch arch)
{
    const ts_syscall_entry *e = lookup(name);
    if (!e) return "unknown";
    int i = arch_index(arch);
    if (i >= 0 && !(e->arches & arch_info[i].accepted)) return "unknown";
    return e->subsystem;
}

const char *ts_syscall_subsystem(const char *name)
{
    return ts_syscall_subsystem_arch(name, TS_ARCH_X86_64);
}
