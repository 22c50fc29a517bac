"""Pillars and intersections (placeholder until its issue lands)."""
import streamlit as st

st.title("Pillars and intersections")
st.info("This page is being built.")
