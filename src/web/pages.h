/*
 * The portal's registration with the dispatcher (pages.c): its route table
 * and its page answers. Called once at start, before the server serves (and
 * before `vodgate routes` prints the tables).
 */
#ifndef VG_PAGES_H
#define VG_PAGES_H

void web_register(void);

#endif
